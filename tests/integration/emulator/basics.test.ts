// Conventions every call shares: XML by default, JSON on request, errors at HTTP 200 with the
// recorded texts, a Date header, case-insensitive paths, and the four ways to authenticate.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src-main/runsignup/emulator';
import { SECRET_PARAMS } from '../../../src-main/runsignup/emulator/auth';
import { CREDENTIAL_PARAMS } from '../../../src-main/runsignup/redact';
import { call, errorOf, ids } from './support';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/runsignup',
);
const fixture = (name: string) =>
  JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as unknown;

let emu: RunningEmulator;
let clock = Date.now();
beforeAll(async () => {
  emu = await startEmulator({ seed: 1, now: () => clock });
});
afterAll(async () => {
  await emu.close();
});

describe('formats', () => {
  it('answers XML when no format is asked for', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', `/race/${i.raceId}`, { format: null });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/xml/);
    const doc = new XMLParser().parse(r.text) as {
      race: { race_id: number; events: { event: unknown[] } };
    };
    expect(doc.race.race_id).toBe(i.raceId);
    expect(doc.race.events.event).toHaveLength(2);
  });

  it('answers JSON on format=json, escaping "/" like RunSignup', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', `/race/${i.raceId}`);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(r.text).toContain('\\/');
    const race = (
      r.json as {
        race: { race_id: number; events: Array<{ event_id: number; start_time: string }> };
      }
    ).race;
    expect(race.race_id).toBe(i.raceId);
    expect(race.events.map((e) => e.event_id)).toEqual([i.fiveK, i.tenK]);
    expect(race.events[0]!.start_time).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{2}:\d{2}$/);
  });

  it('rejects an unknown format with error 10', async () => {
    const r = await call(emu, 'GET', `/race/${ids(emu).raceId}`, {
      query: { format: 'yaml' },
      format: null,
    });
    expect(r.text).toContain('<error_code>10</error_code>');
  });

  it('sends a Date header on every answer, errors included', async () => {
    const ok = await call(emu, 'GET', `/race/${ids(emu).raceId}`);
    const bad = await call(emu, 'GET', `/race/1`);
    for (const r of [ok, bad]) {
      expect(typeof r.headers.date).toBe('string');
      expect(Number.isNaN(Date.parse(String(r.headers.date)))).toBe(false);
    }
  });

  it('treats path segments case-insensitively', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', `/RACE/${i.raceId}/Results/GET-RESULT-SETS`, {
      query: { event_id: i.fiveK },
    });
    expect(errorOf(r)).toBeNull();
    expect((r.json as { individual_results_sets: unknown[] }).individual_results_sets).toHaveLength(
      1,
    );
  });

  it('answers an unknown method with error 1 and a wrong verb with error 2, at HTTP 200', async () => {
    const i = ids(emu);
    const unknown = await call(emu, 'GET', `/race/${i.raceId}/nothing-here`);
    expect(unknown.status).toBe(200);
    expect(errorOf(unknown)?.error_code).toBe(1);
    const verb = await call(emu, 'GET', `/race/${i.raceId}/results/full-results`, {
      query: { event_id: i.fiveK },
    });
    expect(errorOf(verb)?.error_code).toBe(2);
  });
});

describe('errors at HTTP 200', () => {
  it('3: event_id missing where required', async () => {
    const r = await call(emu, 'GET', `/race/${ids(emu).raceId}/results/get-result-sets`);
    expect(r.status).toBe(200);
    expect(errorOf(r)?.error_code).toBe(3);
    expect(errorOf(r)?.error_msg).toMatch(/event_id/);
  });

  it('6: bad secret, with the recorded text', async () => {
    const c = emu.practice.credentials;
    const r = await call(emu, 'GET', `/race/${ids(emu).raceId}`, {
      auth: { query: { api_key: c.apiKey, api_secret: 'wrong' } },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(fixture('error-key-auth-failed.json'));
  });

  it('7: a valid key without access to the race, with the recorded text', async () => {
    const i = ids(emu);
    const r = await call(emu, 'GET', `/race/${i.raceId}/participants`, {
      auth: 'no-access',
      query: { event_id: i.fiveK },
    });
    expect(r.json).toEqual(fixture('error-permission-denied.json'));
  });

  it('7: no credentials at all', async () => {
    const r = await call(emu, 'GET', `/race/${ids(emu).raceId}`, { auth: 'none' });
    expect(errorOf(r)?.error_code).toBe(7);
  });

  it('201: unknown race, with the recorded text', async () => {
    const r = await call(emu, 'GET', `/race/123`);
    expect(r.json).toEqual(fixture('error-race-not-found.json'));
  });

  it('301: unknown event, with the recorded text', async () => {
    const r = await call(emu, 'GET', `/race/${ids(emu).raceId}/results/get-result-sets`, {
      query: { event_id: 999 },
    });
    expect(r.json).toEqual(fixture('error-event-not-found.json'));
  });

  it('errors in XML use the <error> envelope', async () => {
    const r = await call(emu, 'GET', `/race/123`, { format: null });
    expect(r.status).toBe(200);
    const doc = new XMLParser().parse(r.text) as {
      error: { error_code: number; error_msg: string };
    };
    expect(doc.error).toEqual({ error_code: 201, error_msg: 'Race not found.' });
  });
});

describe('authentication', () => {
  const setsPath = () => `/race/${ids(emu).raceId}/results/get-result-sets`;
  const eventQuery = () => ({ event_id: ids(emu).fiveK });

  it('accepts api_key + api_secret', async () => {
    const r = await call(emu, 'GET', setsPath(), { query: eventQuery() });
    expect(errorOf(r)).toBeNull();
  });

  it('accepts rsu_api_key + X-RSU-API-SECRET, and rejects a wrong header secret with 6', async () => {
    const c = emu.practice.credentials;
    const ok = await call(emu, 'GET', setsPath(), {
      query: eventQuery(),
      auth: { query: { rsu_api_key: c.v2Key }, headers: { 'X-RSU-API-SECRET': c.v2Secret } },
    });
    expect(errorOf(ok)).toBeNull();
    const bad = await call(emu, 'GET', setsPath(), {
      query: eventQuery(),
      auth: { query: { rsu_api_key: c.v2Key }, headers: { 'X-RSU-API-SECRET': 'nope' } },
    });
    expect(errorOf(bad)?.error_code).toBe(6);
  });

  it('accepts a Bearer token, and rejects a wrong one with 6', async () => {
    const c = emu.practice.credentials;
    const ok = await call(emu, 'GET', setsPath(), {
      query: eventQuery(),
      auth: { headers: { Authorization: `Bearer ${c.bearerToken}` } },
    });
    expect(errorOf(ok)).toBeNull();
    const bad = await call(emu, 'GET', setsPath(), {
      query: eventQuery(),
      auth: { headers: { Authorization: 'Bearer forged' } },
    });
    expect(errorOf(bad)?.error_code).toBe(6);
  });

  async function login(): Promise<{ tmp_key: string; tmp_secret: string }> {
    const c = emu.practice.credentials;
    const r = await call(emu, 'POST', '/login', {
      auth: 'none',
      form: { email: c.email, password: c.password },
    });
    expect(errorOf(r)).toBeNull();
    const body = r.json as { tmp_key: string; tmp_secret: string; user: { email: string } };
    expect(body.user.email).toBe(c.email);
    return body;
  }

  it('logs in with email + password and accepts tmp_key + tmp_secret', async () => {
    const keys = await login();
    const r = await call(emu, 'GET', setsPath(), { query: eventQuery(), auth: { query: keys } });
    expect(errorOf(r)).toBeNull();
  });

  it('rejects a wrong password with 102 and an unknown email with 101', async () => {
    const c = emu.practice.credentials;
    const r = await call(emu, 'POST', '/login', {
      auth: 'none',
      form: { email: c.email, password: 'guess' },
    });
    expect(errorOf(r)?.error_code).toBe(102);
    const unknown = await call(emu, 'POST', '/login', {
      auth: 'none',
      form: { email: 'nobody@example.invalid', password: c.password },
    });
    expect(errorOf(unknown)?.error_code).toBe(101);
  });

  it('expires a temporary key an hour after its LAST use (error 6), not after login', async () => {
    const keys = await login();
    clock += 50 * 60_000;
    expect(
      errorOf(await call(emu, 'GET', setsPath(), { query: eventQuery(), auth: { query: keys } })),
    ).toBeNull();
    clock += 50 * 60_000; // 100 min after login, 50 after last use: still good
    expect(
      errorOf(await call(emu, 'GET', setsPath(), { query: eventQuery(), auth: { query: keys } })),
    ).toBeNull();
    clock += 61 * 60_000;
    expect(
      errorOf(await call(emu, 'GET', setsPath(), { query: eventQuery(), auth: { query: keys } }))
        ?.error_code,
    ).toBe(6);
  });

  it('expireTemporaryKeys() makes every tmp_key answer 6, and a new login works again', async () => {
    const keys = await login();
    emu.expireTemporaryKeys();
    expect(
      errorOf(await call(emu, 'GET', setsPath(), { query: eventQuery(), auth: { query: keys } }))
        ?.error_code,
    ).toBe(6);
    const fresh = await login();
    expect(
      errorOf(await call(emu, 'GET', setsPath(), { query: eventQuery(), auth: { query: fresh } })),
    ).toBeNull();
  });

  it('refuses tmp_key combined with api_key', async () => {
    const keys = await login();
    const c = emu.practice.credentials;
    const r = await call(emu, 'GET', setsPath(), {
      query: eventQuery(),
      auth: { query: { ...keys, api_key: c.apiKey, api_secret: c.apiSecret } },
    });
    expect(errorOf(r)?.error_code).toBe(3);
    expect(errorOf(r)?.error_msg).toMatch(/tmp_key/);
  });

  it('never writes a secret into the request log', async () => {
    const c = emu.practice.credentials;
    await call(emu, 'POST', '/login', {
      auth: 'none',
      form: { email: c.email, password: c.password },
    });
    const logged = JSON.stringify(emu.log);
    for (const secret of [
      c.apiSecret,
      c.password,
      c.v2Secret,
      c.bearerToken,
      c.noAccessApiSecret,
    ]) {
      expect(logged).not.toContain(secret);
    }
    expect(emu.log.some((e) => e.query.api_secret === '[redacted]')).toBe(true);
  });

  it("masks session and API keys in the request log with the client's own list", async () => {
    const c = emu.practice.credentials;
    const login = await call(emu, 'POST', '/login', {
      auth: 'none',
      form: { email: c.email, password: c.password },
    });
    const tmpKey = (login.json as { tmp_key: string }).tmp_key;
    expect(tmpKey.length).toBeGreaterThan(8);
    await call(emu, 'GET', `/race/${ids(emu).raceId}`, {
      auth: { query: { tmp_key: tmpKey, tmp_secret: 'whatever' }, headers: {} },
    });
    await call(emu, 'GET', `/race/${ids(emu).raceId}`, {
      auth: { query: { rsu_api_key: c.v2Key }, headers: { 'X-RSU-API-SECRET': c.v2Secret } },
    });
    const logged = JSON.stringify(emu.log);
    for (const key of [tmpKey, c.apiKey, c.v2Key]) expect(logged).not.toContain(key);
    for (const name of CREDENTIAL_PARAMS) expect(SECRET_PARAMS.has(name)).toBe(true);
  });
});

describe('API caller registration (required by default)', () => {
  const path = () => `/race/${ids(emu).raceId}`;
  it('answers a call without it, or with a wrong token or secret, 17 at HTTP 400', async () => {
    const cases = [
      'none' as const,
      { token: emu.practice.caller.token },
      { secret: emu.practice.caller.secret },
      { token: 'not-registered', secret: emu.practice.caller.secret },
      { token: emu.practice.caller.token, secret: 'wrong' },
    ];
    for (const caller of cases) {
      const r = await call(emu, 'GET', path(), { caller });
      expect(r.status).toBe(400);
      expect(errorOf(r)).toEqual({ error_code: 17, error_msg: 'Invalid API caller credentials.' });
    }
  });
  it('refuses the login call too, and takes it with the registration', async () => {
    const c = emu.practice.credentials;
    const form = { email: c.email, password: c.password };
    const refused = await call(emu, 'POST', '/login', { auth: 'none', caller: 'none', form });
    expect([refused.status, errorOf(refused)?.error_code]).toEqual([400, 17]);
    const ok = await call(emu, 'POST', '/login', { auth: 'none', form });
    expect(ok.status).toBe(200);
    expect(errorOf(ok)).toBeNull();
  });
  it('never writes the caller token to the request log', async () => {
    await call(emu, 'GET', path());
    expect(JSON.stringify(emu.log.at(-1))).not.toContain(emu.practice.caller.token);
  });
  it('not-required (RunSignup before 2027): a call without it passes, a wrong token is still 17', async () => {
    const old = await startEmulator({
      seed: 1,
      assumptions: { callerRegistration: 'not-required' },
    });
    try {
      const without = await call(old, 'GET', `/race/${ids(old).raceId}`, { caller: 'none' });
      expect(errorOf(without)).toBeNull();
      const wrong = await call(old, 'GET', `/race/${ids(old).raceId}`, {
        caller: { token: 'stale', secret: 'stale' },
      });
      expect([wrong.status, errorOf(wrong)?.error_code]).toEqual([400, 17]);
    } finally {
      await old.close();
    }
  });
});
