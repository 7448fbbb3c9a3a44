/**
 * Every unit spec (`src/**\/*.spec.ts`) in one Jest file, so that they load
 * the modules they share (Nest, class-validator, the nlu, …) once rather than
 * once per spec file in a fresh module registry each. Unit specs keep no state
 * between files (no module mocks, no fake timers left on, no top-level hooks),
 * so sharing the registry changes nothing they check.
 * `npm test -- src/<path>.spec.ts` runs the named spec files on their own.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(here, '..', '..', '..', 'src');
const specs = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.spec.ts'))
  .sort();
if (specs.length === 0) throw new Error(`No unit specs under ${src}`);
for (const spec of specs) await import(path.relative(here, path.join(src, spec)).replace(/\.ts$/, '.js'));
