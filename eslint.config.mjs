// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Each infrastructure package may be imported in exactly one place.
const owners = {
  kafkajs: 'scope:kafka',
  typeorm: 'scope:persistence',
  pg: 'scope:persistence',
  undici: 'scope:delivery',
  ajv: 'scope:catalog',
  'ajv-formats': 'scope:catalog',
  re2js: 'scope:catalog',
};
const scopes = [
  'api',
  'ingress',
  'router',
  'dispatcher',
  'scheduler',
  'config',
  'schemas',
  'signing',
  'encryption',
  'kafka',
  'persistence',
  'observability',
  'platform',
  'routing',
  'delivery',
  'control',
  'retry',
  'scheduling',
  'catalog',
  'ingress',
  'tools',
];
// test/ and bench/ are exempt on purpose: they publish with a bare Kafka client, as any internal service would.
const banned = scopes.map((scope) => ({
  sourceTag: `scope:${scope}`,
  bannedExternalImports: Object.entries(owners)
    .filter(([, owner]) => owner !== `scope:${scope}`)
    .map(([pkg]) => pkg),
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.local/**',
      'tmp/**',
      'node_modules/**',
      'deploy/**',
      'tools/register.js',
      'apps/console/src/api/schema.d.ts',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@nx': nx, 'import-x': importX },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'],
            },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'] },
            {
              sourceTag: 'type:bench',
              onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util', 'type:test'],
            },
            {
              sourceTag: 'type:tools',
              onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util', 'type:test'],
            },
            ...banned,
          ],
        },
      ],
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Nest decorators and DI need classes whose types are imported as values.
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
