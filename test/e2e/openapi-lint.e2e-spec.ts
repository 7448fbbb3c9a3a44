/**
 * The OpenAPI document served at /docs-json passes both common linters with
 * their stock rulesets (Redocly recommended, Spectral spectral:oas) without a
 * single error or warning, so generated clients, Swagger UI and API catalogues
 * read it as intended. `npm run lint:openapi` runs the same lint by hand.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OPENAPI_DOCUMENT_PATH, redoclyLint, spectralLint } from '../../scripts/lint-openapi.mjs';
import { createTestApp, TestApp } from '../helpers/test-app.js';

describe('e2e/openapi-lint', () => {
  type Doc = {
    tags: { name: string; description?: string }[];
    paths: Record<string, Record<string, { summary?: string; description?: string; responses: Record<string, { description?: string }> }>>;
  };

  describe('OpenAPI document quality', () => {
    let t: TestApp;
    let doc: Doc;

    beforeAll(async () => {
      t = await createTestApp();
      doc = (await t.http.get('/docs-json').expect(200)).body as Doc;
      // The path .redocly.lint-ignore.yaml refers to.
      mkdirSync(path.dirname(OPENAPI_DOCUMENT_PATH), { recursive: true });
      writeFileSync(OPENAPI_DOCUMENT_PATH, JSON.stringify(doc, null, 2) + '\n');
    });
    afterAll(() => t?.close());

    it('passes Redocly’s recommended ruleset with no error and no warning', async () => {
      const result = await redoclyLint(OPENAPI_DOCUMENT_PATH);
      expect(result.problems).toEqual([]);
      expect([result.errors, result.warnings]).toEqual([0, 0]);
    }, 60_000);

    it('passes Spectral’s spectral:oas ruleset with no error and no warning', async () => {
      const result = await spectralLint(OPENAPI_DOCUMENT_PATH);
      expect(result.problems).toEqual([]);
      expect([result.errors, result.warnings]).toEqual([0, 0]);
    }, 60_000);

    // Neither linter checks these; an empty description leaves a reader of Swagger UI guessing what a status means.
    it('describes every tag, operation and response', () => {
      const missing: string[] = [];
      for (const tag of doc.tags) if (!tag.description?.trim()) missing.push(`tag ${tag.name}`);
      for (const [p, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          const where = `${method.toUpperCase()} ${p}`;
          if (!op.summary?.trim()) missing.push(`${where} summary`);
          if (!op.description?.trim()) missing.push(`${where} description`);
          for (const [status, response] of Object.entries(op.responses)) {
            if (!response.description?.trim()) missing.push(`${where} ${status}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  });
});
