import type { Type } from '@nestjs/common';

/** The product's feature modules (Auth, Rbac, Clients, Impersonation, TimeTracking, Chat). */
export const FEATURE_MODULES: Type[] = [];
