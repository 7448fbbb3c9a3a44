#!/usr/bin/env node
// `prisma migrate dev` is unreliable with the JS schema engine, so this does its
// job in two reliable steps: author the SQL with `prisma migrate diff` (from the
// committed migrations to the schema) and apply it with `prisma migrate deploy`.
//   node scripts/prisma-migrate.mjs <main|client> [--name <name>] [--create-only]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const which = args[0];
if (which !== 'main' && which !== 'client') {
  console.error('usage: node scripts/prisma-migrate.mjs <main|client> [--name <name>] [--create-only]');
  process.exit(2);
}
const nameIdx = args.indexOf('--name');
const name = (nameIdx >= 0 ? args[nameIdx + 1] : 'change').replace(/[^a-zA-Z0-9_]/g, '_');
const createOnly = args.includes('--create-only');

const prisma = (...a) =>
  spawnSync(process.execPath, [path.join(root, 'scripts', 'prisma.mjs'), which, ...a], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });

const diff = prisma(
  'migrate', 'diff',
  '--from-migrations', `prisma/migrations-${which}`,
  '--to-schema-datamodel', `prisma/schema-${which}.prisma`,
  '--script',
);
if (diff.status !== 0) process.exit(diff.status ?? 1);
const sql = diff.stdout.trim();
if (sql === '' || sql === '-- This is an empty migration.') {
  console.log(`No schema changes for the ${which} database.`);
} else {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = path.join(root, 'prisma', `migrations-${which}`, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql + '\n');
  console.log(`Created ${path.relative(root, dir)}/migration.sql`);
}
if (!createOnly) {
  const deploy = spawnSync(process.execPath, [path.join(root, 'scripts', 'prisma.mjs'), which, 'migrate', 'deploy'], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(deploy.status ?? 1);
}
