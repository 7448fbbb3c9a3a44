import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { ClientsModule } from '../clients/index.js';
import { SignupController } from './signup.controller.js';
import { SignupService } from './signup.service.js';

/** Self-service signup (`POST /auth/signup`): it composes clients (create with admin) and auth (sign in). */
@Module({
  imports: [ClientsModule, AuthModule],
  controllers: [SignupController],
  providers: [SignupService],
})
export class OnboardingModule {}
