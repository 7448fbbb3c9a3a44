// One long-lived CLI process for the CLI tests: runs each command the parent
// sends (process.send) through the built `runCli` (dist/cli/run-cli.js), the
// function `node dist/cli.js` runs, with a fresh application context per
// command, and answers with its exit code and output. Spawning `node
// dist/cli.js` per command cost seconds each (Node start, module loading);
// Jest cannot load nest-commander itself (a CommonJS package that requires
// the ESM-only @nestjs/common, which Jest's loader refuses before Node 24.9).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { runCli } = await import(pathToFileURL(path.join(root, 'dist', 'cli', 'run-cli.js')).href);
const { validateEnvironment } = await import(pathToFileURL(path.join(root, 'dist', 'config', 'config.js')).href);

const capture = (stream, append) => {
  const original = stream.write;
  stream.write = (chunk, ...rest) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((r) => typeof r === 'function');
    if (done) done();
    return true;
  };
  return () => (stream.write = original);
};

let queue = Promise.resolve();
process.on('message', (msg) => {
  queue = queue.then(async () => {
    let stdout = '';
    let stderr = '';
    const restoreOut = capture(process.stdout, (s) => (stdout += s));
    const restoreErr = capture(process.stderr, (s) => (stderr += s));
    let code;
    try {
      code = await runCli(msg.args, validateEnvironment(msg.env));
    } catch (err) {
      stderr += `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
      code = 1;
    } finally {
      restoreOut();
      restoreErr();
    }
    process.send({ id: msg.id, code, stdout, stderr });
  });
});
process.send({ ready: true });
