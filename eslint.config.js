// Import boundaries are the architecture (DESIGN.md §2), so they are errors, not warnings.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layersRule } from './scripts/eslint-layers.js';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'url',
  'util',
  'stream',
  'events',
  'worker_threads',
];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'release', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'src-shared is pure: no Node modules.' },
            { group: ['electron', 'electron/*'], message: 'src-shared is pure: no Electron.' },
            {
              group: ['react', 'react-dom', 'react-dom/*'],
              message: 'src-shared is pure: no DOM/React.',
            },
            {
              group: ['**/src-main/**', '**/src-renderer/**'],
              message: 'src-shared depends on nothing else in the repo.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-main/**', '**/src-main'],
              message: 'The renderer talks to the station only through StationApi.',
            },
            { group: nodeBuiltins, message: 'The renderer runs in a sandbox: no Node modules.' },
            {
              group: ['electron', 'electron/*'],
              message: 'The renderer reaches Electron only through the preload bridge.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src-main/core/**',
      'src-main/db/**',
      'src-main/sync/**',
      'src-main/runsignup/**',
      'src-main/web/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', '**/electron/**'],
              message: 'Only src-main/electron may import Electron.',
            },
            { group: ['**/src-renderer/**'], message: 'src-main never imports the renderer.' },
          ],
        },
      ],
    },
  },
  {
    // tests/unit is the fast inner loop (`npm run test:fast`): what starts a process or opens a
    // socket belongs in tests/integration.
    files: ['tests/unit/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:child_process',
                'child_process',
                'node:http',
                'http',
                'node:https',
                'https',
                'node:net',
                'net',
                'node:worker_threads',
                'worker_threads',
                'ws',
                'undici',
              ],
              message:
                'tests/unit starts no process and opens no socket: put this test in tests/integration.',
            },
            {
              // What listens on a port: the emulator server, the web host, a composed station.
              group: [
                '**/src-main/runsignup/emulator',
                '**/src-main/runsignup/emulator/index',
                '**/src-main/web/server',
                '**/src-main/web/launch',
                '**/src-main/app/compose',
              ],
              message:
                'tests/unit starts no server: put this test in tests/integration (pure emulator modules can be imported directly).',
            },
          ],
        },
      ],
    },
  },
  {
    // Which folder of src-main may import which (scripts/eslint-layers.js has the table).
    files: ['src-main/**/*.ts'],
    plugins: { chute: { rules: { layers: layersRule } } },
    rules: { 'chute/layers': 'error' },
  },
);
