// The web host's entry refuses a time zone it does not know with a clear sentence, before it
// opens anything (the shared gun's text would otherwise be written in the wrong zone), and a data
// folder named in CHUTE_DATA_DIR whose disk is not there (the station would start empty).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../src-main/web/main.ts',
);

describe('web host command line', () => {
  it('refuses an unknown --time-zone and creates no data', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chute-cli-'));
    try {
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          main,
          '--time-zone',
          'Mars/Olympus_Mons',
          '--data-dir',
          path.join(dir, 'data'),
        ],
        { encoding: 'utf8', timeout: 15_000, env: { ...process.env, NODE_OPTIONS: '' } },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        'Chute could not start: --time-zone must be a time zone such as America/New_York, not "Mars/Olympus_Mons".',
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a CHUTE_DATA_DIR whose disk is not there and creates nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chute-cli-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', main, '--port', '0'], {
        encoding: 'utf8',
        timeout: 15_000,
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          CHUTE_DATA_DIR: path.join(dir, 'usb-stick', 'chute'),
        },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /Chute could not start: .*usb-stick.*cannot be reached .*plug in or mount the disk/,
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
