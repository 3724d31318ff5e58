// `npm run lint` (and the start of `npm test`): typescript-eslint, type-aware.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const MAX_LINES = { max: 300, skipBlankLines: true, skipComments: true };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'storage/**', 'coverage/**', 'test/fixtures/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      // Mail is where control characters are the point: the rules that strip or refuse them match them.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: { 'max-lines': ['error', MAX_LINES] },
  },
  {
    // The mail core is pure: no framework, no database, no feature folder.
    files: ['src/mail/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'The mail core does not depend on Nest.' },
            { group: ['typeorm', 'mysql2', 'better-sqlite3'], message: 'The mail core does not touch the database.' },
            {
              group: ['../auth/*', '../database/*', '../email-settings/*', '../egress/*', '../health/*', '../inbound/*', '../outbound/*', '../sources/*', '../storage/*', '../tenants/*', '../tickets/*', '../web/*'],
              message: 'The mail core imports no feature folder; features import it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/web/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
    rules: { 'max-lines': ['error', MAX_LINES] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: ['src/web/public/**'],
    languageOptions: { globals: globals.node },
  },
);
