import type { Type } from '@nestjs/common';
import { AuthModule } from './modules/auth/index.js';
import { RbacModule } from './modules/rbac/index.js';
import { ClientsModule } from './modules/clients/index.js';
import { ImpersonationModule } from './modules/impersonation/index.js';
import { TimeTrackingModule } from './modules/time-tracking/index.js';
import { ChatModule } from './modules/chat/index.js';
import { OperationsModule } from './modules/operations/index.js';
import { OnboardingModule } from './modules/onboarding/index.js';
import { IdempotencyModule } from './modules/idempotency/index.js';
import { ConditionalRequestsModule } from './modules/conditional-requests/index.js';
import { WebhooksModule } from './modules/webhooks/index.js';

/** The product's feature modules. */
export const FEATURE_MODULES: Type[] = [
  AuthModule,
  RbacModule,
  ClientsModule,
  ImpersonationModule,
  TimeTrackingModule,
  ChatModule,
  OperationsModule,
  OnboardingModule,
  IdempotencyModule,
  ConditionalRequestsModule,
  WebhooksModule,
];
