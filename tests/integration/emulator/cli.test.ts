// `npm run emulator`: spawn it, read the printed URL and ids, make one request, stop it with SIGTERM.
import { spawn } from 'node:child_process';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../src-main/runsignup/emulator/cli-args';

describe('emulator CLI', () => {
  it('prints URL, race, events, result sets, splits and credentials; serves; stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/runsignup/emulator/cli.ts', '--port', '0', '--seed', '5'],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/faults: .*\n/.test(out)) resolve();
        });
        child.on('exit', () => reject(new Error(`emulator exited early: ${err}`)));
      });
      const url = /URL: (\S+)/.exec(out)?.[1];
      const raceId = /race: (\d+)/.exec(out)?.[1];
      const apiKey = /api_key=(\S+) api_secret=(\S+)/.exec(out);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/Rest$/);
      expect(out).toMatch(/event: \d+ 5K/);
      expect(out).toMatch(/event: \d+ 10K/);
      expect(out).toMatch(/result set: \d+ .*splits: \d+ Mile 1/);
      expect(out).toMatch(/Bearer \S+/);
      const caller = /rsu_api_reg=(\S+) X-RSU-API-REG-SECRET: (\S+)/.exec(out);
      const res = await request(
        `${url}/race/${raceId}?format=json&api_key=${apiKey![1]}&api_secret=${apiKey![2]}&rsu_api_reg=${caller![1]}`,
        { headers: { 'x-rsu-api-reg-secret': caller![2] } },
      );
      const body = (await res.body.json()) as { race: { race_id: number } };
      expect(body.race.race_id).toBe(Number(raceId));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/stopped \(SIGTERM\)/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('parses its arguments and refuses bad ones with a clear message', () => {
    const plain = { faults: null, lateApply: false, callerRegistration: 'required' };
    expect(parseCliArgs(['--port', '4000', '--seed', '9'])).toEqual({
      port: 4000,
      seed: 9,
      host: '127.0.0.1',
      ...plain,
    });
    expect(parseCliArgs([])).toEqual({ port: 0, seed: 1, host: '127.0.0.1', ...plain });
    expect(parseCliArgs(['--port'])).toEqual({ error: expect.stringMatching(/--port/) });
    expect(parseCliArgs(['--port', '70000'])).toEqual({ error: expect.stringMatching(/65535/) });
    expect(parseCliArgs(['--verbose'])).toEqual({
      error: expect.stringMatching(/unknown argument/),
    });
  });
});
