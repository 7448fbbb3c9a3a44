import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json and prisma/ live), from src/ or dist/. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'prisma'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export type SchemaKind = 'main' | 'client';

export function migrationsDir(kind: SchemaKind): string {
  return path.join(projectRoot(), 'prisma', `migrations-${kind}`);
}
