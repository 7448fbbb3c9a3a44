import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const MODULES_DIR = path.resolve('src/modules');

/** The feature module a path lies in (`src/modules/<name>/…`), or null outside src/modules. */
function moduleOf(file) {
  const rel = path.relative(MODULES_DIR, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep)[0];
}

/**
 * Module doors: code outside a feature module reaches it only through its
 * `index.ts`, so a module's files can change without breaking its neighbours
 * and its public API is one file a reader can see.
 */
const moduleDoors = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { internal: "'{{spec}}' reaches into the {{target}} module; import from its index.js (add the export there)." },
  },
  create(context) {
    const file = context.filename;
    const own = moduleOf(file);
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const resolved = path.resolve(path.dirname(file), source.value);
      const target = moduleOf(resolved);
      if (!target || target === own) return;
      if (path.relative(path.join(MODULES_DIR, target), resolved) === 'index.js') return;
      context.report({ node: source, messageId: 'internal', data: { spec: source.value, target } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'src/generated/**', 'coverage/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // The CLI entry composes the clients module's commands; its imports move with the CLI's own restructuring.
    files: ['src/**/*.ts'],
    ignores: ['src/cli.ts', 'src/cli/**'],
    plugins: { local: { rules: { 'module-doors': moduleDoors } } },
    rules: { 'local/module-doors': 'error' },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
