// The better-sqlite3 native module this Node loads (the build `npm ci` made).
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const NODE_SQLITE_BUILD = path.join(
  path.dirname(require.resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);
