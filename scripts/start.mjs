#!/usr/bin/env node
// `node scripts/start.mjs` (npm start, before `node dist/main.js`): compiles src/ to dist/ (scripts/build.mjs,
// without the type check) only when a source is newer than the last build.
// `node scripts/start.mjs --watch` (npm run start:dev): compiles, starts the service (node --watch, which
// restarts it whenever dist/ changes) and compiles again on every change under src/; tsc --watch reports type
// errors alongside.
import { spawn } from 'node:child_process';
import { existsSync, statSync, utimesSync, watch as watchFiles, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, filesUnder } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const stamp = path.join(root, 'dist', '.build-stamp');
const watch = process.argv.includes('--watch');

/** The newest modification time of the build's inputs: src/ (generated clients included) and the build's configuration. */
function newestInput() {
  const inputs = [...filesUnder(path.join(root, 'src')), ...['scripts/build.mjs', 'scripts/swc-options.mjs', 'package.json'].map((f) => path.join(root, f))];
  return Math.max(...inputs.map((f) => statSync(f).mtimeMs));
}

async function build() {
  const started = Date.now();
  await emit();
  // The stamp takes the time the build started: a file saved during the build counts as changed.
  writeFileSync(stamp, '');
  utimesSync(stamp, new Date(started), new Date(started));
}

if (!watch) {
  if (!existsSync(stamp) || statSync(stamp).mtimeMs < newestInput()) {
    console.error('Compiling src/ to dist/ (sources changed since the last build)…');
    await build();
  }
} else {
  await build();
  const checker = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noEmit', '--watch', '--preserveWatchOutput'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const service = spawn(process.execPath, ['--watch-path=dist', 'dist/main.js'], { cwd: root, stdio: 'inherit' });
  // Saving several files at once: one compilation, 100 ms after the last change.
  let timer = null;
  watchFiles(path.join(root, 'src'), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => build().catch((err) => console.error(`Compilation failed: ${err.message}`)), 100);
  });
  service.on('exit', (code) => {
    checker.kill('SIGTERM');
    process.exit(code ?? 0);
  });
  // Ctrl-C reaches the checker and the service from the terminal: wait for the service to stop its database.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => {
    checker.kill('SIGTERM');
    service.kill('SIGTERM');
  });
}
