// Which build of better-sqlite3's native module the Electron main loads. `npm start` prepared
// one for Electron's ABI beside the Node build and names it in the environment; a checkout
// started another way finds it at its usual place; a packaged app was rebuilt for Electron by
// electron-builder and uses better-sqlite3's own build.
import path from 'node:path';
import { ELECTRON_SQLITE_BINDING, ELECTRON_SQLITE_ENV } from '../../scripts/native-abi.mjs';

export interface BindingFacts {
  env: NodeJS.ProcessEnv;
  packaged: boolean;
  appPath: string;
  exists: (file: string) => boolean;
}

export function electronSqliteBinding(facts: BindingFacts): string | null {
  const named = facts.env[ELECTRON_SQLITE_ENV];
  if (named && facts.exists(named)) return named;
  if (facts.packaged) return null;
  const beside = path.join(facts.appPath, ELECTRON_SQLITE_BINDING);
  return facts.exists(beside) ? beside : null;
}
