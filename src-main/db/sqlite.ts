// Every SQLite connection of the station is made here, so a shell can say once which build of
// better-sqlite3's native module to load: the Electron main loads the one prepared for
// Electron's ABI (setup puts it beside the Node build); Node, the web host and the tests keep
// the default one.
import Database from 'better-sqlite3';

let nativeBinding: string | null = null;

/** The native module every later connection loads (null: better-sqlite3's own build). */
export function useSqliteBinding(path: string | null): void {
  nativeBinding = path;
}

export function sqliteBinding(): string | null {
  return nativeBinding;
}

export function connect(path: string, options: Database.Options = {}): Database.Database {
  return new Database(path, nativeBinding === null ? options : { ...options, nativeBinding });
}
