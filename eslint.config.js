import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'src/console/dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', structuredClone: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      complexity: ['warn', 25],
      'max-depth': ['warn', 5],
      'max-params': ['warn', 5],
      // An ESM import of node:http costs every process ~40 ms (src/kube/node-http.ts); tests may pay it.
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'node:http', message: "import { http } from src/kube/node-http.ts (an ESM import of node:http loads undici at start-up)", allowTypeImports: true }] }],
    },
  },
  { files: ['**/*.test.ts', '**/testing.ts', '**/testing-*.ts', 'test/**', 'bench/**'], rules: { '@typescript-eslint/no-restricted-imports': 'off' } },
);
