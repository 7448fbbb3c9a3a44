/**
 * The OpenAPI document is good enough to build a real client from: types
 * generated from /docs-json (openapi-typescript) drive a whole scenario
 * (test/client/scenario.ts, through openapi-fetch) against the service
 * listening on a loopback port. The scenario must type-check with
 * `tsc --strict` against the generated types - every path, parameter, body
 * and response field it uses exists in the document - and then succeed at
 * run time, so the document and the service agree.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { createTestApp, TestApp } from '../helpers/test-app.js';

describe('e2e/openapi-client', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const workDir = path.join(root, 'test-output', 'openapi-client');

  function run(args: string[], cwd = root): Promise<{ code: number | null; output: string; stdout: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let output = '';
      child.stdout.on('data', (d: Buffer) => ((stdout += d), (output += d)));
      child.stderr.on('data', (d: Buffer) => (output += d));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, output, stdout }));
    });
  }

  /**
   * `tsc --noEmit --strict` on the given files, in one program (one load of the libraries' types), with the
   * project's TypeScript and Node's types, through a tsconfig of its own in the work folder (tsc refuses a
   * file named on the command line inside a project that has a tsconfig.json, and the project's would check
   * the whole repository). Libraries' declaration files are not checked again (skipLibCheck); the files and
   * their use of the generated types are. Errors are reported as `<file>(<line>,<column>): error …`.
   */
  function typeCheck(files: string[]) {
    const config = path.join(workDir, 'tsconfig.check.json');
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], skipLibCheck: true },
        files: files.map((f) => path.basename(f)),
      }),
    );
    return run(
      [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config, '--noEmit', '--strict', '--pretty', 'false'],
      workDir,
    );
  }

  describe('a client generated from the OpenAPI document', () => {
    let t: TestApp;
    let baseUrl: string;

    beforeAll(async () => {
      t = await createTestApp();
      baseUrl = t.url;
      rmSync(workDir, { recursive: true, force: true });
      mkdirSync(workDir, { recursive: true });
    });
    afterAll(() => t?.close());

    it('type-checks strictly and runs a whole scenario against the service', async () => {
      const res = await fetch(`${baseUrl}/docs-json`);
      expect(res.status).toBe(200);
      writeFileSync(path.join(workDir, 'openapi.json'), await res.text());
      const generated = await run([
        path.join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
        path.join(workDir, 'openapi.json'),
        '--output',
        path.join(workDir, 'schema.d.ts'),
        // A property with a default is optional in a request, as the document says (not required).
        '--default-non-nullable',
        'false',
      ]);
      expect(generated.code).toBe(0);

      const scenario = path.join(workDir, 'scenario.ts');
      copyFileSync(path.join(root, 'test', 'client', 'scenario.ts'), scenario);
      // The same calls with a field and a route the document does not have: the types must refuse them.
      const wrong = path.join(workDir, 'wrong.ts');
      writeFileSync(
        wrong,
        [
          "import createClient from 'openapi-fetch';",
          "import type { paths } from './schema.js';",
          "const client = createClient<paths>({ baseUrl: 'http://127.0.0.1' });",
          "export const badBody = () => client.POST('/api/v1/projects', { body: { title: 'not a project field' } });",
          "export const badPath = () => client.GET('/api/v1/no-such-route');",
          '',
        ].join('\n'),
      );
      const checked = await typeCheck([scenario, wrong]);
      // One line per error (its explanation follows on indented lines), named by the file's path from workDir.
      const errors = checked.output.split('\n').filter((line) => line.trim() !== '' && !/^\s/.test(line));
      // Every error is one of wrong.ts's: the scenario type-checks, and nothing else failed.
      expect(errors.filter((line) => !line.startsWith('wrong.ts('))).toEqual([]);
      expect(checked.code).not.toBe(0);
      expect(errors.some((line) => /^wrong\.ts\(4,.*'title'/.test(line))).toBe(true);
      expect(errors.some((line) => line.startsWith('wrong.ts(5,'))).toBe(true);

      // Types erased; './schema.js' is a type-only import, 'openapi-fetch' resolves from the repository's node_modules.
      const js = ts.transpileModule(readFileSync(scenario, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      writeFileSync(path.join(workDir, 'scenario.mjs'), js);
      const ran = await run([path.join(workDir, 'scenario.mjs'), baseUrl]);
      expect(ran.output.replace(ran.stdout, '')).toBe('');
      expect(ran.code).toBe(0);

      const result = JSON.parse(ran.stdout) as {
        entry: { duration: number; startTime: string; description: string };
        reportTotalSeconds: number;
        reportGroups: { label: string; totalSeconds: number }[];
        assistantReply: string;
        assistantActions: string[];
        assistantReportSeconds: number;
      };
      expect(result.entry).toMatchObject({ duration: 5400, description: 'Typed client scenario' });
      expect(result.reportTotalSeconds).toBe(5400);
      expect(result.reportGroups).toEqual([{ label: 'Typed project', totalSeconds: 5400 }]);
      expect(result.assistantActions).toEqual(['report']);
      expect(result.assistantReportSeconds).toBe(5400);
      expect(result.assistantReply).toMatch(/^You logged /);
    }, 60_000);
  });
});
