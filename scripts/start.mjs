#!/usr/bin/env node
// `node scripts/start.mjs` (npm start, before `node dist/main.js`): compiles src/ to dist/ only when a
// source is newer than the last build (a full tsc run takes ~10 s).
// `node scripts/start.mjs --watch` (npm run start:dev): recompiles on every change (tsc --watch) and
// restarts the service (node --watch) each time the compiler has written dist/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const stamp = path.join(root, 'dist', '.build-stamp');
const watch = process.argv.includes('--watch');

/** The newest modification time of the build's inputs: src/ (generated clients included) and the tsconfigs. */
function newestInput() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else newest = Math.max(newest, statSync(file).mtimeMs);
    }
  };
  visit(path.join(root, 'src'));
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'package.json']) newest = Math.max(newest, statSync(path.join(root, f)).mtimeMs);
  return newest;
}

function buildIfStale() {
  const started = Date.now();
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput()) return;
  console.error('Compiling src/ to dist/ (sources changed since the last build)…');
  const res = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
  // The stamp takes the time the build started: a file saved during the build counts as changed.
  writeFileSync(stamp, '');
  utimesSync(stamp, new Date(started), new Date(started));
}

if (!watch) {
  buildIfStale();
} else {
  let service = null;
  const compiler = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  compiler.stdout.setEncoding('utf8');
  compiler.stdout.on('data', (text) => {
    process.stdout.write(text);
    // After the first complete compilation: start the service, which node restarts whenever dist/ changes.
    if (!service && /Found \d+ errors?\. Watching for file changes/.test(text)) {
      service = spawn(process.execPath, ['--watch-path=dist', 'dist/main.js'], { cwd: root, stdio: 'inherit' });
      service.on('exit', (code) => {
        compiler.kill('SIGTERM');
        process.exit(code ?? 0);
      });
    }
  });
  // Ctrl-C reaches the compiler and the service from the terminal: wait for the service to stop its database.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => {
    compiler.kill('SIGTERM');
    if (service) service.kill('SIGTERM');
    else process.exit(143);
  });
}
