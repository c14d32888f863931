// Lint rules, including the layering rule: a folder is a layer (docs/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (from, forbidden) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: forbidden.map((f) => ({ group: [`**/${f}/**`, `**/${f}`], message: `src/${from} must not import src/${f} (layering, see docs/ARCHITECTURE.md)` })),
    }],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-control-regex': 'off',
      'no-misleading-character-class': 'off',
    },
  },
  // core is pure: no Node built-ins, nothing outside core.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*'], message: 'src/core is pure: no Node built-ins' },
          { group: ['**/gateway/**', '**/store/**', '**/scan/**', '**/probe/**', '**/cli/**'], message: 'src/core imports nothing outside core' },
        ],
      }],
    },
  },
  layer('gateway', ['cli', 'scan', 'probe']),
  layer('native', ['cli', 'gateway', 'store', 'scan', 'probe']),
  layer('store', ['cli', 'gateway', 'scan', 'probe']),
  layer('scan', ['cli', 'gateway', 'store', 'probe']),
  layer('probe', ['cli', 'scan']),
);
