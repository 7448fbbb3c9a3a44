import type { Type } from '@nestjs/common';
import { AuthModule } from './modules/auth/auth.module.js';
import { RbacModule } from './modules/rbac/rbac.module.js';
import { ClientsModule } from './modules/clients/clients.module.js';
import { ImpersonationModule } from './modules/impersonation/impersonation.module.js';
import { TimeTrackingModule } from './modules/time-tracking/time-tracking.module.js';
import { ChatModule } from './modules/chat/chat.module.js';
import { OperationsModule } from './modules/operations/operations.module.js';
import { IdempotencyModule } from './modules/idempotency/idempotency.module.js';
import { ConditionalRequestsModule } from './modules/conditional-requests/conditional-requests.module.js';

/** The product's feature modules. */
export const FEATURE_MODULES: Type[] = [
  AuthModule,
  RbacModule,
  ClientsModule,
  ImpersonationModule,
  TimeTrackingModule,
  ChatModule,
  OperationsModule,
  IdempotencyModule,
  ConditionalRequestsModule,
];
