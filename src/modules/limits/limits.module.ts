import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RateLimitService } from './rate-limit.service.js';
import { SignupRateLimitInterceptor } from './signup-rate-limit.interceptor.js';
import { WriteRateLimitInterceptor } from './write-rate-limit.interceptor.js';

/** Rate limits: shared counters, the global write limit, the signup limit. */
@Global()
@Module({
  providers: [RateLimitService, SignupRateLimitInterceptor, { provide: APP_INTERCEPTOR, useClass: WriteRateLimitInterceptor }],
  exports: [RateLimitService, SignupRateLimitInterceptor],
})
export class LimitsModule {}
