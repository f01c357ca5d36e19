// Second screens with their own rights. The main screen (the browser on the station laptop,
// holding the session token) may do everything; a paired device gets its own token that allows
// only what its screen needs: the Chute screen sends the bib order and reads, a read-only display
// (the announcer, the results tent) only reads. Tokens are kept as digests, never logged, and a
// revoked device is refused at once.
import { createHash, randomBytes } from 'node:crypto';
import type { Command, Query } from '../../src-shared/station-api';

export type DeviceRole = 'chute' | 'display';
export type ScreenRights = 'main' | DeviceRole;

export interface PairedDevice {
  id: string;
  role: DeviceRole;
  name: string;
  pairedAt: number;
}

/** The screen a paired device opens on (the renderer reads `?screen=`). */
export const SCREEN_OF_ROLE: Record<DeviceRole, string> = { chute: 'chute', display: 'announcer' };

const ROLE_NAME: Record<DeviceRole, string> = {
  chute: 'Chute screen',
  display: 'read-only display',
};

/** The commands a device may send; everything else is the main screen's alone. */
const DEVICE_COMMANDS: Record<DeviceRole, ReadonlySet<Command['type']>> = {
  chute: new Set(['order']),
  display: new Set(),
};

/** What a refused command would have done, in the timer's words (else its name). */
const COMMAND_WORDS: Partial<Record<Command['type'], string>> = {
  order: 'send the bib order',
  restoreBackup: 'restore a backup',
  setBackupMirror: 'set the backup mirror folder',
};

/** Null when allowed, else the sentence the screen shows. */
export function commandRefusal(rights: ScreenRights, type: Command['type']): string | null {
  if (rights === 'main' || DEVICE_COMMANDS[rights].has(type)) return null;
  return (
    `This ${ROLE_NAME[rights]} may not ${COMMAND_WORDS[type] ?? `send '${type}'`}: ` +
    'only the main screen on the station laptop may.'
  );
}

/**
 * The queries a device may ask: only what its screen reads. Both screens read the snapshot; the
 * Chute screen also looks a typed bib up. The others would hand a device the data folder and
 * backup paths (`backups`), the whole journal or results, or make the station call RunSignup
 * with the race account and rewrite its station file (`races`, `raceDetails`).
 */
const DEVICE_QUERIES: Record<DeviceRole, ReadonlySet<Query['type']>> = {
  chute: new Set(['snapshot', 'lookupBib']),
  display: new Set(['snapshot']),
};

/** What a refused query would have read, in the timer's words. */
const QUERY_WORDS: Record<Query['type'], string> = {
  snapshot: 'read the crossings',
  lookupBib: 'look a bib up',
  journal: 'read the journal',
  results: 'read the results',
  exportCsv: 'export the results',
  races: 'list the RunSignup races',
  raceDetails: "read a race's details from RunSignup",
  backups: 'list the backups',
};

/** Null when allowed, else the sentence the screen shows. */
export function queryRefusal(rights: ScreenRights, type: Query['type']): string | null {
  if (rights === 'main' || DEVICE_QUERIES[rights].has(type)) return null;
  return `This ${ROLE_NAME[rights]} may not ${QUERY_WORDS[type]}: only the main screen on the station laptop may.`;
}

/** Pairing and revoking are the main screen's alone. */
export function hostRefusal(rights: ScreenRights): string | null {
  return rights === 'main'
    ? null
    : `This ${ROLE_NAME[rights]} may not pair or revoke devices: only the main screen may.`;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface DeviceRegistry {
  pair(role: DeviceRole, name: string): { device: PairedDevice; token: string };
  revoke(id: string): boolean;
  list(): PairedDevice[];
  /** The device holding this token, or null (never paired, or revoked). */
  find(token: string | null | undefined): PairedDevice | null;
}

export function createDeviceRegistry(now: () => number = Date.now): DeviceRegistry {
  const byDigest = new Map<string, PairedDevice>();
  let counter = 0;
  return {
    pair(role, name) {
      const token = randomBytes(32).toString('base64url');
      counter += 1;
      const device: PairedDevice = {
        id: `d${counter}-${randomBytes(3).toString('hex')}`,
        role,
        name: name.trim() === '' ? `${ROLE_NAME[role]} ${counter}` : name.trim().slice(0, 60),
        pairedAt: now(),
      };
      byDigest.set(digest(token), device);
      return { device, token };
    },
    revoke(id) {
      for (const [key, device] of byDigest) {
        if (device.id === id) {
          byDigest.delete(key);
          return true;
        }
      }
      return false;
    },
    list: () => [...byDigest.values()].sort((a, b) => a.pairedAt - b.pairedAt),
    find(token) {
      if (typeof token !== 'string' || token === '') return null;
      return byDigest.get(digest(token)) ?? null;
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The main screen's token is honoured only from the station laptop itself. */
export function isLoopbackPeer(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.has(address);
}
