import { describe, expect, it } from 'vitest';
import {
  authFromConnection,
  authMaterial,
  secretsOf,
  TemporaryKeySession,
  validateAuth,
} from '../../../src-main/runsignup/auth';

describe('authMaterial', () => {
  it('api-key: both in the query string', () => {
    expect(authMaterial({ mode: 'api-key', apiKey: 'K', apiSecret: 'S' }, null)).toEqual({
      query: { api_key: 'K', api_secret: 'S' },
      headers: {},
    });
  });
  it('login: the temporary pair in the query, never api_key', () => {
    const m = authMaterial(
      { mode: 'login', email: 'a@b.c', password: 'pw' },
      { tmpKey: 'tk', tmpSecret: 'ts' },
    );
    expect(m).toEqual({ query: { tmp_key: 'tk', tmp_secret: 'ts' }, headers: {} });
    expect(() => authMaterial({ mode: 'login', email: 'a@b.c', password: 'pw' }, null)).toThrow(
      /Not logged in/,
    );
  });
  it('v2-key: key in the query, secret in X-RSU-API-SECRET', () => {
    expect(authMaterial({ mode: 'v2-key', apiKey: 'K', apiSecret: 'S' }, null)).toEqual({
      query: { rsu_api_key: 'K' },
      headers: { 'X-RSU-API-SECRET': 'S' },
    });
  });
  it('bearer: Authorization header only', () => {
    expect(authMaterial({ mode: 'bearer', token: 'T' }, null)).toEqual({
      query: {},
      headers: { Authorization: 'Bearer T' },
    });
  });
});

describe('secretsOf and validateAuth', () => {
  it('lists every credential, the temporary pair included', () => {
    expect(
      secretsOf({ mode: 'login', email: 'e', password: 'pw' }, { tmpKey: 'tk', tmpSecret: 'ts' }),
    ).toEqual(['pw', 'tk', 'ts']);
    expect(secretsOf({ mode: 'bearer', token: 'T' }, null)).toEqual(['T']);
  });
  it('refuses blank credentials with a sentence', () => {
    expect(() => validateAuth({ mode: 'api-key', apiKey: 'k', apiSecret: ' ' })).toThrow(
      'RunSignup API key and secret are both required.',
    );
    expect(() => validateAuth({ mode: 'login', email: '', password: 'x' })).toThrow(
      /email and password/,
    );
    expect(() => validateAuth({ mode: 'bearer', token: '' })).toThrow(/token/);
    expect(() => validateAuth({ mode: 'nope' } as never)).toThrow(/Unknown/);
  });
});

describe('authFromConnection', () => {
  it('maps each StationApi connection; practice has none', () => {
    expect(authFromConnection({ auth: 'practice' })).toBeNull();
    expect(
      authFromConnection({
        auth: 'v2-key',
        baseUrl: 'https://x/Rest',
        apiKey: 'k',
        apiSecret: 's',
      }),
    ).toEqual({
      baseUrl: 'https://x/Rest',
      auth: { mode: 'v2-key', apiKey: 'k', apiSecret: 's' },
      caller: null,
    });
    expect(
      authFromConnection({
        auth: 'bearer',
        baseUrl: 'https://x/Rest',
        token: 't',
        callerToken: ' ct ',
        callerSecret: 'cs',
      })?.caller,
    ).toEqual({ token: 'ct', secret: 'cs' });
    expect(() =>
      authFromConnection({
        auth: 'api-key',
        baseUrl: 'https://x/Rest',
        apiKey: 'k',
        apiSecret: 's',
        callerToken: 'ct',
      }),
    ).toThrow(/caller token and secret go together/);
    expect(
      authFromConnection({ auth: 'login', baseUrl: 'https://x/Rest', email: 'e', password: 'p' })
        ?.auth.mode,
    ).toBe('login');
    expect(
      authFromConnection({ auth: 'bearer', baseUrl: 'https://x/Rest', token: 't' })?.auth,
    ).toEqual({ mode: 'bearer', token: 't' });
    expect(
      authFromConnection({
        auth: 'api-key',
        baseUrl: 'https://x/Rest',
        apiKey: 'k',
        apiSecret: 's',
      })?.auth.mode,
    ).toBe('api-key');
  });
});

describe('TemporaryKeySession', () => {
  it('concurrent callers share one login', async () => {
    let logins = 0;
    const session = new TemporaryKeySession(async () => ({
      tmpKey: `k${++logins}`,
      tmpSecret: 's',
    }));
    const keys = await Promise.all([session.ensure(), session.ensure(), session.ensure()]);
    expect(logins).toBe(1);
    expect(new Set(keys).size).toBe(1);
  });
  it('refresh replaces a stale key once, however many callers saw it expire', async () => {
    let logins = 0;
    const session = new TemporaryKeySession(async () => ({
      tmpKey: `k${++logins}`,
      tmpSecret: 's',
    }));
    const stale = await session.ensure();
    const fresh = await Promise.all([session.refresh(stale), session.refresh(stale)]);
    expect(logins).toBe(2);
    expect(fresh[0]?.tmpKey).toBe('k2');
    // A caller holding the old key after the refresh gets the new one without another login.
    expect((await session.refresh(stale)).tmpKey).toBe('k2');
    expect(logins).toBe(2);
  });
  it('a failed login is not cached', async () => {
    let calls = 0;
    const session = new TemporaryKeySession(async () => {
      calls++;
      if (calls === 1) throw new Error('down');
      return { tmpKey: 'k', tmpSecret: 's' };
    });
    await expect(session.ensure()).rejects.toThrow('down');
    expect((await session.ensure()).tmpKey).toBe('k');
  });
});
