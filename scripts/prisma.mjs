#!/usr/bin/env node
// Runs the Prisma CLI against one of the two schemas:
//   node scripts/prisma.mjs <main|client> <prisma args...>
// Prisma 6's CLI needs the schema's datasource env var to be set even for
// commands that never connect (generate, format, validate); without it it falls
// back to downloading a native engine, which this machine cannot. We fill it
// from the embedded database's connection file, or a placeholder.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [which, ...args] = process.argv.slice(2);
if (which !== 'main' && which !== 'client') {
  console.error('usage: node scripts/prisma.mjs <main|client> <prisma args...>');
  process.exit(2);
}

export function devUrls() {
  const file = path.join(root, '.data', 'connection.json');
  const embedded = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  const base = embedded?.adminUrl ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const withDb = (db) => {
    const u = new URL(base);
    u.pathname = '/' + db;
    return u.toString();
  };
  return {
    DATABASE_URL: process.env.DATABASE_URL ?? withDb('freetimechat'),
    CLIENT_DATABASE_URL: process.env.CLIENT_DATABASE_URL ?? withDb('freetimechat_dev_client'),
  };
}

const env = { ...process.env, ...devUrls() };
const bin = path.join(root, 'node_modules', '.bin', 'prisma');
const res = spawnSync(bin, [...args, '--config', `prisma/${which}.config.ts`], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(res.status ?? 1);
