import { Global, Module } from '@nestjs/common';
import { MainPrismaService } from './main-prisma.service.js';
import { InvalidationService } from './invalidation.service.js';
import { TenantRegistryService } from './tenant-registry.service.js';
import { TenantConnectionManager } from './tenant-connection-manager.js';
import { TenantDatabasesService } from './tenant-databases.service.js';
import { ProvisioningService } from './provisioning.service.js';
import { TenantPrismaProvider } from './tenant-prisma.provider.js';
import { TenantContextService } from './tenant-context.service.js';
import { DatabaseBootstrapService } from './database-bootstrap.service.js';

const providers = [
  MainPrismaService,
  InvalidationService,
  TenantRegistryService,
  TenantConnectionManager,
  TenantContextService,
  TenantDatabasesService,
  ProvisioningService,
  TenantPrismaProvider,
  DatabaseBootstrapService,
];

@Global()
@Module({ providers, exports: providers })
export class DatabaseModule {}
