import { randomBytes } from 'node:crypto';
import { validateEnvironment, AppConfig } from '../../src/config/config.js';
import { createApp } from '../../src/app.factory.js';
import { ProvisioningService } from '../../src/database/provisioning.service.js';
import { TenantConnectionManager } from '../../src/database/tenant-connection-manager.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TokenService } from '../../src/modules/auth/token.service.js';
import { BENCH_JWT_SECRET } from './harness.js';

export function benchConfig(databaseUrl: string, extra: Record<string, string> = {}): AppConfig {
  return validateEnvironment({
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: BENCH_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ...extra,
  }) as AppConfig;
}

export interface BenchTenant {
  clientId: string;
  token: string;
  userId: string;
}

/**
 * Migrates a fresh main database and creates `n` tenants, each with a member
 * user holding a live session, and `projects` projects. In-process; closes
 * the app afterwards.
 */
export async function seedTenants(databaseUrl: string, n: number, projects = 10, onProgress?: (i: number) => void): Promise<BenchTenant[]> {
  const app = await createApp(benchConfig(databaseUrl), { migrate: true, logger: false });
  await app.init();
  try {
    const provisioning = app.get(ProvisioningService);
    const main = app.get(MainPrismaService);
    const tokens = app.get(TokenService);
    const connections = app.get(TenantConnectionManager);
    const member = await main.role.findFirstOrThrow({ where: { key: 'member' } });
    const out: BenchTenant[] = [];
    for (let i = 0; i < n; i++) {
      const { id } = await provisioning.register({ name: `Bench ${i}`, slug: `bench-${i}-${randomBytes(2).toString('hex')}` });
      await provisioning.provision(id);
      const user = await main.user.create({
        data: {
          email: `bench-${i}-${randomBytes(3).toString('hex')}@bench.test`,
          name: `Bench User ${i}`,
          passwordHash: 'x',
          clientId: id,
          roles: { create: [{ roleId: member.id }] },
        },
      });
      const session = await main.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 24 * 3600_000) } });
      const token = tokens.signAccess({ sub: user.id, clientId: id, sid: session.id }, 24 * 3600);
      if (projects > 0) {
        const prisma = await connections.forClient(id);
        await prisma.project.createMany({ data: Array.from({ length: projects }, (_, k) => ({ name: `Project ${k}` })) });
        await prisma.projectMember.createMany({ data: (await prisma.project.findMany()).map((p) => ({ projectId: p.id, userId: user.id })) });
        await connections.close(id);
      }
      out.push({ clientId: id, token, userId: user.id });
      onProgress?.(i + 1);
    }
    return out;
  } finally {
    await app.close();
  }
}
