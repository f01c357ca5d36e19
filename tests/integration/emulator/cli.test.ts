// `npm run emulator`: spawn it, read the printed URL and ids, make one request, stop it with SIGTERM.
import { spawn } from 'node:child_process';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../src-main/runsignup/emulator/cli-args';

/** Spawns `npm run emulator` with `args`; resolves once it has printed everything. */
async function spawnEmulator(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/runsignup/emulator/cli.ts', '--port', '0', ...args],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/faults: .*\n/.test(out)) resolve();
      });
      child.on('exit', () => reject(new Error(`emulator exited early: ${err}`)));
    });
  } catch (e) {
    kill();
    throw e;
  }
  return { child, exited, kill, output: () => out };
}

describe('emulator CLI', () => {
  it('prints URL, race, events, result sets, splits and credentials; serves; stops on SIGTERM', async () => {
    const { child, exited, kill, output } = await spawnEmulator(['--seed', '5']);
    try {
      const out = output();
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
      expect(output()).toMatch(/stopped \(SIGTERM\)/);
    } finally {
      kill();
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

describe('emulator CLI fault switches', () => {
  it('parses --faults, --latency-ms, --late-apply, --no-caller-registration and refuses bad ones', () => {
    expect(
      parseCliArgs([
        '--faults',
        'reset=0.2,http-503=0.1',
        '--latency-ms',
        '40000',
        '--late-apply',
        '--fault-seed',
        '7',
      ]),
    ).toMatchObject({
      faults: { rates: { reset: 0.2, 'http-503': 0.1 }, latencyMs: 40_000, seed: 7 },
      lateApply: true,
      callerRegistration: 'required',
    });
    expect(parseCliArgs(['--latency-ms', '500'])).toMatchObject({
      faults: { rates: { latency: 1 }, latencyMs: 500 },
    });
    expect(parseCliArgs(['--no-caller-registration'])).toMatchObject({
      faults: null,
      callerRegistration: 'not-required',
    });
    expect(parseCliArgs(['--faults', 'meteor=0.1'])).toEqual({
      error: expect.stringMatching(/unknown fault kind "meteor"/),
    });
    expect(parseCliArgs(['--faults', 'reset=0.8,html=0.5'])).toEqual({
      error: expect.stringMatching(/more than 1/),
    });
    expect(parseCliArgs(['--faults', 'reset'])).toEqual({
      error: expect.stringMatching(/kind=rate/),
    });
    expect(parseCliArgs(['--latency-ms', 'soon'])).toEqual({
      error: expect.stringMatching(/--latency-ms needs a whole number/),
    });
    expect(parseCliArgs(['--fault-seed', '3'])).toEqual({
      error: expect.stringMatching(/--fault-seed needs --faults/),
    });
  });

  it('a spawned emulator with --faults http-503=1 answers 503 and says so when it starts', async () => {
    const { child, exited, kill, output } = await spawnEmulator([
      '--faults',
      'http-503=1',
      '--no-caller-registration',
    ]);
    try {
      const out = output();
      expect(out).toMatch(/faults: http-503 100%/);
      expect(out).toMatch(/not required: RunSignup before 2027/);
      const url = /URL: (\S+)/.exec(out)?.[1];
      const res = await request(`${url}/races?format=json`);
      await res.body.text();
      expect(res.statusCode).toBe(503);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      kill();
    }
  });
});
