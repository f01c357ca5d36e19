// The data folder's own settings (not the race's): today the backup mirror folder. One small
// JSON file, written through a temporary name; a missing or unreadable file means defaults.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SETTINGS_FILE = 'settings.json';

export interface DataSettings {
  /** Every backup is also copied here (a USB stick); null: none. */
  mirrorDir: string | null;
}

const DEFAULTS: DataSettings = { mirrorDir: null };

export function readDataSettings(dataDir: string): DataSettings {
  try {
    const raw = JSON.parse(readFileSync(path.join(dataDir, SETTINGS_FILE), 'utf8')) as unknown;
    const mirror = (raw as { mirrorDir?: unknown } | null)?.mirrorDir;
    return { mirrorDir: typeof mirror === 'string' && mirror !== '' ? mirror : null };
  } catch {
    return { ...DEFAULTS };
  }
}

export function writeDataSettings(dataDir: string, settings: DataSettings): void {
  const file = path.join(dataDir, SETTINGS_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
