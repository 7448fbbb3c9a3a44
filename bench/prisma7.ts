import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { projectRoot } from '../src/database/paths.js';
import { createTenantClient } from '../src/database/tenant-client.js';
import { installPlanCache } from '../src/patches/prisma-plan-cache.js';
import { TENANT_READ_SQL } from '../src/modules/bench/tenant-read-sql.js';
import { benchServer, freshMainDatabase, median } from './lib/harness.js';
import { seedTenants, tenantConnection } from './lib/setup.js';

/**
 * Would Prisma 7 make the tenant read cheaper? (README, framework efficiency.)
 *   node dist-bench/bench/prisma7.js [version=7] [rounds=8]
 * Installs prisma, @prisma/client and @prisma/adapter-pg at that version into
 * a temporary folder (npm registry only), generates this project's client
 * schema with it, and runs the bench's tenant read in one process, in
 * alternating rounds: pg's `pool.query` of the same SQL, the service's
 * Prisma 6 client (plan cache on, as the service runs it) and Prisma 7's.
 * Prints the CPU per query of each (process.cpuUsage, median of the rounds).
 *
 * Prisma 7's CLI fetches a native schema engine from outside the npm
 * registry before any command; `generate` never runs that engine, so
 * PRISMA_SCHEMA_ENGINE_BINARY names a file that stands in for it.
 */
type Read = () => Promise<unknown>;

async function cpuPerQuery(read: Read, n: number, concurrency: number): Promise<number> {
  const c0 = process.cpuUsage();
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started++ < n) await read();
    }),
  );
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

/** Installs and generates Prisma `version` for the client schema in `dir`; answers the generated client's module file. */
function preparePrisma(dir: string, version: string): string {
  const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
    execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'prisma-compare', private: true, type: 'module' }));
  run('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    `prisma@${version}`,
    `@prisma/client@${version}`,
    `@prisma/adapter-pg@${version}`,
    'pg',
  ]);
  // Prisma 7 takes the URL from its config and has no engine types: the rest of the schema is as it is.
  const schema = readFileSync(path.join(projectRoot(), 'prisma', 'schema-client.prisma'), 'utf8')
    .replace(/^\s*url\s*=.*$/m, '')
    .replace(/^\s*engineType\s*=.*$/m, '')
    .replace(/^(\s*output\s*=\s*).*$/m, '$1"./generated"');
  writeFileSync(path.join(dir, 'schema.prisma'), schema);
  writeFileSync(
    path.join(dir, 'prisma.config.ts'),
    "import { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: 'schema.prisma' });\n",
  );
  const standIn = path.join(dir, 'no-schema-engine');
  writeFileSync(standIn, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  run('npx', ['prisma', 'generate'], { PRISMA_SCHEMA_ENGINE_BINARY: standIn });
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        rootDir: '.',
        outDir: 'out',
        skipLibCheck: true,
      },
      include: ['generated/**/*.ts'],
    }),
  );
  run(process.execPath, [path.join(projectRoot(), 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
  // The reader lives beside the generated client so that its imports resolve to that version's packages.
  writeFileSync(
    path.join(dir, 'reader.mjs'),
    [
      "import pg from 'pg';",
      "import { PrismaPg } from '@prisma/adapter-pg';",
      "import { PrismaClient } from './out/generated/client.js';",
      'export function open(config) {',
      '  const pool = new pg.Pool(config);',
      '  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), errorFormat: "minimal" });',
      "  const read = () => prisma.project.findMany({ take: 10, orderBy: { name: 'asc' } });",
      '  return { read, close: () => prisma.$disconnect().then(() => pool.end()) };',
      '}',
    ].join('\n'),
  );
  return path.join(dir, 'reader.mjs');
}

async function main(): Promise<void> {
  const version = process.argv[2] ?? '7';
  const rounds = Number(process.argv[3] ?? 8);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ftc-prisma-compare-'));
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'prisma7');
  try {
    console.error(`installing and generating Prisma ${version} in ${dir}`);
    const reader = (await import(pathToFileURL(preparePrisma(dir, version)).href)) as {
      open: (config: object) => { read: Read; close: () => Promise<void> };
    };
    const installed = JSON.parse(readFileSync(path.join(dir, 'node_modules', '@prisma', 'client', 'package.json'), 'utf8')) as {
      version: string;
    };
    const [tenant] = await seedTenants(db.url, 1);
    const config = { ...(await tenantConnection(db.url, tenant.clientId)), max: 4 };
    installPlanCache(2000); // the service's default PRISMA_PLAN_CACHE_SIZE
    const pool = new pg.Pool(config);
    const p6Pool = new pg.Pool(config);
    const p6 = createTenantClient(p6Pool);
    const p7 = reader.open(config);
    const reads: Record<string, Read> = {
      'pg pool.query': () => pool.query(TENANT_READ_SQL, [10, 0]),
      'Prisma 6.19.3 findMany (service)': () => p6.project.findMany({ take: 10, orderBy: { name: 'asc' } }),
      [`Prisma ${installed.version} findMany`]: p7.read,
    };
    try {
      const names = Object.keys(reads);
      for (const name of names) await cpuPerQuery(reads[name], 3000, 4); // warm-up
      const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
      for (let r = 0; r < rounds; r++) {
        for (const name of r % 2 === 0 ? names : [...names].reverse()) samples[name].push(await cpuPerQuery(reads[name], 4000, 4));
      }
      const out = names.map((name) => ({
        read: name,
        cpuMicrosPerQuery: Math.round(median(samples[name])),
        rounds: samples[name].map(Math.round),
      }));
      for (const o of out)
        console.log(`${o.read.padEnd(36)} ${String(o.cpuMicrosPerQuery).padStart(5)} µs CPU per query (rounds ${o.rounds.join(' ')})`);
      console.log(JSON.stringify(out));
    } finally {
      await Promise.all([p7.close(), p6.$disconnect().then(() => p6Pool.end()), pool.end()]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
