import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ConditionalRequestsInterceptor } from './conditional-requests.interceptor.js';
import { ResourceLockService } from './resource-lock.service.js';

/** Concurrent edits: ETag, If-None-Match and If-Match on single resources. */
@Module({
  providers: [ResourceLockService, { provide: APP_INTERCEPTOR, useClass: ConditionalRequestsInterceptor }],
})
export class ConditionalRequestsModule {}
