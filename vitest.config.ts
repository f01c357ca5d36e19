import { defineConfig } from 'vitest/config';

// Two projects: `unit` is the inner loop (pure logic, in-process SQLite on temporary files, no
// child processes, no sockets; `npm run test:fast`), `integration` is everything that starts a
// process, opens a socket or runs the emulator (integration and chaos). `vitest run` runs both.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/chaos/**/*.test.ts'],
        },
      },
    ],
  },
});
