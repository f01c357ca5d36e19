// The client against a tiny scripted HTTP server on 127.0.0.1 (the full emulator contract is in
// tests/integration/runsignup-contract.test.ts): request encoding, paging, re-login, redaction,
// timeouts and the never-throwing ResultsPoster.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isLoopbackHost,
  normaliseBaseUrl,
  RunSignupClient,
  type RunSignupClientOptions,
} from '../../../src-main/runsignup/client';
import { CLIENT_ASSUMPTIONS } from '../../../src-main/runsignup/assumptions';
import { CallerRegistrationError, RunSignupError } from '../../../src-main/runsignup/errors';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: Seen, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler = (_req, res) => res.end('{}');
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const s: Seen = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/Rest`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
const clients: RunSignupClient[] = [];
afterEach(async () => {
  seen.length = 0;
  handler = (_req, res) => res.end('{}');
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function json(
  res: ServerResponse,
  value: unknown,
  status = 200,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(value));
}

function client(extra: Partial<RunSignupClientOptions> = {}): RunSignupClient {
  const c = new RunSignupClient({
    baseUrl: base,
    auth: { mode: 'api-key', apiKey: 'AKEY123', apiSecret: 'SECRET-XYZ' },
    raceId: 1,
    ...extra,
  });
  clients.push(c);
  return c;
}

describe('request encoding', () => {
  it('sends format=json and api-key credentials on a GET', async () => {
    handler = (_q, res) => json(res, { race: { race_id: 1, name: 'R', events: [] } });
    await client().getRace(1);
    const q = seen[0]!;
    expect([q.method, q.path]).toEqual(['GET', '/Rest/race/1']);
    expect(q.query.get('format')).toBe('json');
    expect(q.query.get('api_key')).toBe('AKEY123');
    expect(q.query.get('api_secret')).toBe('SECRET-XYZ');
    expect(q.query.get('future_events_only')).toBe('F');
    expect(q.query.get('most_recent_events_only')).toBe('F');
  });
  it('POSTs form-encoded `request` JSON with request_format=json', async () => {
    await client().postFullResults(1, 2, 3, [{ bib: 5, clock_time: '0:20:00.1' }], {
      skipInvalidRegistrationIds: true,
    });
    const q = seen[0]!;
    expect(q.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(q.body);
    expect(form.get('request_format')).toBe('json');
    expect(JSON.parse(form.get('request') ?? '')).toEqual({
      results: [{ bib: 5, clock_time: '0:20:00.1' }],
    });
    expect(q.query.get('event_id')).toBe('2');
    expect(q.query.get('individual_result_set_id')).toBe('3');
    expect(q.query.get('skip_invalid_registration_ids')).toBe('T');
    expect(q.query.get('format')).toBe('json');
  });
  it('v2-key puts the secret in X-RSU-API-SECRET, bearer in Authorization, neither in the query', async () => {
    await client({ auth: { mode: 'v2-key', apiKey: 'V2K', apiSecret: 'V2SECRET' } }).getStartTime(
      1,
      2,
    );
    await client({ auth: { mode: 'bearer', token: 'TOKEN123' } }).getStartTime(1, 2);
    expect(seen[0]!.query.get('rsu_api_key')).toBe('V2K');
    expect(seen[0]!.headers['x-rsu-api-secret']).toBe('V2SECRET');
    expect(seen[0]!.query.toString()).not.toContain('V2SECRET');
    expect(seen[1]!.headers['authorization']).toBe('Bearer TOKEN123');
    expect(seen[1]!.query.toString()).not.toContain('TOKEN123');
  });
});

describe('paging', () => {
  it('reads participants pages of 2500 until a short page', async () => {
    handler = (q, res) => {
      const page = Number(q.query.get('page'));
      const n = page === 1 ? 2500 : 3;
      json(res, [
        {
          event: { event_id: 2, participants: [] },
          participants: Array.from({ length: n }, (_, i) => ({
            registration_id: page * 10000 + i,
            bib_num: i + 1,
            user: { first_name: 'A', last_name: 'B' },
          })),
        },
      ]);
    };
    const all = await client().getParticipants(1, 2, { modifiedAfter: 1_700_000_000_999 });
    expect(all).toHaveLength(2503);
    expect(seen.map((s) => s.query.get('page'))).toEqual(['1', '2']);
    expect(seen[0]!.query.get('results_per_page')).toBe('2500');
    expect(seen[0]!.query.get('sort')).toBe('registration_id ASC');
    expect(seen[0]!.query.get('modified_after_timestamp')).toBe('1700000000');
  });
  it('participants: stops when a server ignores `page` and repeats itself', async () => {
    handler = (_q, res) =>
      json(res, [
        {
          event: { event_id: 2, participants: [] },
          participants: Array.from({ length: 2500 }, (_, i) => ({
            registration_id: i + 1,
            bib_num: i + 1,
            user: { first_name: 'A', last_name: 'B' },
          })),
        },
      ]);
    const rows = await client().getParticipants(1, 2);
    expect(rows).toHaveLength(2500);
    expect(seen).toHaveLength(2);
  });
  it('get-results: a server that ignores `page` fails the read (it cannot be complete)', async () => {
    handler = (_q, res) =>
      json(res, {
        individual_results_sets: [
          {
            individual_result_set_id: 3,
            results: Array.from({ length: 100 }, (_, i) => ({ bib: i + 1 })),
          },
        ],
      });
    const e = await client()
      .getResults(1, 2, 3)
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(e).toBeInstanceOf(RunSignupError);
    expect((e as Error).message).toMatch(/cannot be complete/);
    expect(seen).toHaveLength(2);
  });
  it('get-results: pages of at most 100 until an EMPTY page; a short page is not the end', async () => {
    // A server that caps pages below what was asked (and sends no total) still gets read whole.
    const sizes = [100, 37, 20, 0];
    handler = (q, res) => {
      const page = Number(q.query.get('page'));
      const first = sizes.slice(0, page - 1).reduce((a, b) => a + b, 0);
      json(res, {
        individual_results_sets: [
          {
            individual_result_set_id: 3,
            results: Array.from({ length: sizes[page - 1] ?? 0 }, (_, i) => ({
              bib: first + i + 1,
            })),
          },
        ],
      });
    };
    const rows = await client().getResults(1, 2, 3);
    expect(rows.map((r) => r['bib'])).toEqual(Array.from({ length: 157 }, (_, i) => i + 1));
    expect(rows.complete).toBe(true);
    expect(seen.map((s) => s.query.get('page'))).toEqual(['1', '2', '3', '4']);
    expect(seen.every((s) => s.query.get('results_per_page') === '100')).toBe(true);
  });
});

describe('login mode', () => {
  function loginServer(state: { logins: number; valid: string }) {
    handler = (q, res) => {
      if (q.path === '/Rest/login') {
        const form = new URLSearchParams(q.body);
        if (form.get('password') !== 'PASSWORD!')
          return json(res, { error: { error_code: 101, error_msg: 'Invalid email or password.' } });
        state.logins++;
        state.valid = `tk${state.logins}`;
        return json(res, { tmp_key: state.valid, tmp_secret: `ts${state.logins}`, user: {} });
      }
      if (q.query.get('api_key'))
        return json(res, { error: { error_code: 3, error_msg: 'never combine' } });
      if (q.query.get('tmp_key') !== state.valid)
        return json(res, { error: { error_code: 6, error_msg: 'Key authentication failed' } });
      json(res, { start_time: '2026-05-01 08:00:00' });
    };
  }
  it('logs in once for concurrent calls, re-logs in once after error 6, and retries', async () => {
    const state = { logins: 0, valid: '' };
    loginServer(state);
    const c = client({ auth: { mode: 'login', email: 'a@b.c', password: 'PASSWORD!' } });
    await Promise.all([c.getStartTime(1, 2), c.getStartTime(1, 2)]);
    expect(state.logins).toBe(1);
    const login = seen.find((s) => s.path === '/Rest/login')!;
    expect(new URLSearchParams(login.body).get('email')).toBe('a@b.c');
    expect(login.query.toString()).not.toContain('PASSWORD');
    state.valid = 'expired-by-server';
    await expect(c.getStartTime(1, 2)).resolves.toBe('2026-05-01 08:00:00');
    expect(state.logins).toBe(2);
  });
  it('a wrong password is an auth error that names no secret', async () => {
    loginServer({ logins: 0, valid: '' });
    const c = client({ auth: { mode: 'login', email: 'a@b.c', password: 'WRONG-PW' } });
    const out = await c.postResults({ eventId: 2, resultSetId: 3 }, [
      { bib: 1, clock_time: '0:20:00' },
    ]);
    expect(out).toMatchObject({ ok: false, kind: 'auth', code: 101 });
  });
  it('a key that keeps failing with 6 gives up after one re-login', async () => {
    let logins = 0;
    handler = (q, res) => {
      if (q.path === '/Rest/login') return json(res, { tmp_key: `k${++logins}`, tmp_secret: 's' });
      json(res, { error: { error_code: 6, error_msg: 'Key authentication failed' } });
    };
    const c = client({ auth: { mode: 'login', email: 'a@b.c', password: 'PASSWORD!' } });
    await expect(c.getRace(1)).rejects.toMatchObject({ kind: 'auth', code: 6 });
    expect(logins).toBe(2);
  });
});

describe('secrets never leak', () => {
  it('not in a network error, not in a log line, not in a server-echoed message', async () => {
    const lines: string[] = [];
    handler = (q, res) =>
      json(res, {
        error: {
          error_code: 4,
          error_msg: `bad key ${q.query.get('api_secret')} for ${q.query.get('api_key')}`,
        },
      });
    const c = client({ onLog: (l) => lines.push(l) });
    const echoed = await c.postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1 }]);
    expect(echoed.ok).toBe(false);
    if (!echoed.ok) {
      expect(echoed.message).not.toContain('SECRET-XYZ');
      expect(echoed.message).not.toContain('AKEY123');
    }
    // A port nobody listens on: connection refused.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const dead = client({
      baseUrl: `http://127.0.0.1:${deadPort}/Rest`,
      onLog: (l) => lines.push(l),
    });
    const err = await dead.getRace(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunSignupError);
    expect((err as RunSignupError).kind).toBe('retryable');
    expect(String((err as Error).stack)).not.toContain('SECRET-XYZ');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) {
      expect(l).not.toContain('SECRET-XYZ');
      expect(l).not.toContain('AKEY123');
    }
  });
});

describe('timeouts and hooks', () => {
  it('a server that never answers is a retryable timeout', async () => {
    handler = () => undefined; // hold the request
    const c = client({ timeouts: { headersMs: 200 } });
    await expect(c.getRace(1)).rejects.toMatchObject({
      kind: 'retryable',
      message: expect.stringMatching(/in time/),
    });
  });
  it('the overall timeout bounds a slow body', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"race":');
      // ...and never finishes.
    };
    const c = client({ timeouts: { overallMs: 300 } });
    await expect(c.getRace(1)).rejects.toMatchObject({
      kind: 'retryable',
      message: expect.stringMatching(/0.3 s/),
    });
  });
  it('onResponse gets the Date header for every answer, errors included', async () => {
    const timings: Array<{ serverDate: number | null; sentAt: number; receivedAt: number }> = [];
    handler = (_q, res) =>
      json(res, { error: { error_code: 201, error_msg: 'Race not found.' } }, 200, {
        Date: 'Fri, 01 May 2026 12:00:00 GMT',
      });
    const c = client({ onResponse: (t) => timings.push(t) });
    await expect(c.getRace(1)).rejects.toMatchObject({ kind: 'not-found', code: 201 });
    expect(timings).toHaveLength(1);
    expect(timings[0]!.serverDate).toBe(Date.parse('2026-05-01T12:00:00Z'));
    expect(timings[0]!.receivedAt).toBeGreaterThanOrEqual(timings[0]!.sentAt);
  });
});

describe('postResults (ResultsPoster) never throws', () => {
  it('ok with serverDate and elapsedMs on success', async () => {
    handler = (_q, res) => json(res, {}, 200, { Date: 'Fri, 01 May 2026 12:00:00 GMT' });
    const out = await client().postResults({ eventId: 2, resultSetId: 3 }, [
      { bib: 1, clock_time: '0:20:00.1' },
    ]);
    expect(out).toEqual({
      ok: true,
      serverDate: Date.parse('2026-05-01T12:00:00Z'),
      elapsedMs: expect.any(Number),
    });
  });
  it('classifies bad input without a request', async () => {
    const c = client();
    expect(await c.postResults({ eventId: -1, resultSetId: 3 }, [{ bib: 1 }])).toMatchObject({
      ok: false,
      kind: 'rejected',
    });
    expect(await c.postResults({ eventId: 2, resultSetId: 3 }, [{}])).toMatchObject({
      ok: false,
      kind: 'rejected',
    });
    expect(await c.postResults(null as never, [{ bib: 1 }])).toMatchObject({
      ok: false,
      kind: 'unknown',
    });
    expect(
      await client({ raceId: undefined }).postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1 }]),
    ).toMatchObject({ ok: false });
    expect(seen).toHaveLength(0);
  });
  it('a per-row failure report in a 200 body is "rejected", not success', async () => {
    handler = (_q, res) =>
      json(res, {
        num_saved: 1,
        failed: [{ bib: 9, error_code: 115, error_msg: 'Bib number invalid' }],
      });
    const out = await client()
      .posterFor(1)
      .postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1 }, { bib: 9 }]);
    expect(out).toMatchObject({
      ok: false,
      kind: 'rejected',
      code: 115,
      message: expect.stringContaining('bib 9'),
    });
  });
  it('a success body that only counts SKIPPED rows is a success in every mode', async () => {
    handler = (_q, res) => json(res, { num_invalid_registration_ids_skipped: 2 });
    for (const mode of ['ignore', 'failure-lists', 'failure-lists-and-counts'] as const) {
      const out = await client({ successBodyRowFailures: mode })
        .posterFor(1)
        .postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1 }]);
      expect(out, mode).toMatchObject({ ok: true });
    }
  });
  it('a failure list in a 200 body is a success when the assumption says ignore', async () => {
    handler = (_q, res) => json(res, { failed: [{ bib: 9, error_code: 115 }] });
    const out = await client({ successBodyRowFailures: 'ignore' })
      .posterFor(1)
      .postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 9 }]);
    expect(out).toMatchObject({ ok: true });
  });
  it('a bare failure count fails the batch only with failure-lists-and-counts', async () => {
    handler = (_q, res) => json(res, { num_failed: 2 });
    const post = (mode: 'failure-lists' | 'failure-lists-and-counts') =>
      client({ successBodyRowFailures: mode })
        .posterFor(1)
        .postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1 }]);
    expect(await post('failure-lists')).toMatchObject({ ok: true });
    expect(await post('failure-lists-and-counts')).toMatchObject({
      ok: false,
      kind: 'rejected',
      message: expect.stringContaining('2 row(s) not saved'),
    });
  });
  it('503 with Retry-After is retryable with the wait', async () => {
    handler = (_q, res) => json(res, 'busy', 503, { 'Retry-After': '7' });
    expect(await client().postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1 }])).toEqual({
      ok: false,
      kind: 'retryable',
      code: null,
      message: 'RunSignup answered HTTP 503.',
      retryAfterMs: 7000,
    });
  });
});

describe('configuration', () => {
  it('refuses a bad base URL or blank credentials with a sentence', () => {
    expect(
      () => new RunSignupClient({ baseUrl: 'runsignup.com', auth: { mode: 'bearer', token: 't' } }),
    ).toThrow(/not a valid URL/);
    expect(
      () => new RunSignupClient({ baseUrl: 'ftp://x/Rest', auth: { mode: 'bearer', token: 't' } }),
    ).toThrow(/http/);
    expect(
      () =>
        new RunSignupClient({
          baseUrl: 'https://x/Rest?api_key=1',
          auth: { mode: 'bearer', token: 't' },
        }),
    ).toThrow(/query/);
    expect(
      () => new RunSignupClient({ baseUrl: base, auth: { mode: 'bearer', token: '' } }),
    ).toThrow(/token/);
    expect(
      () =>
        new RunSignupClient({
          baseUrl: base,
          auth: { mode: 'bearer', token: 't' },
          timeouts: { connectMs: 0 },
        }),
    ).toThrow(/connectMs/);
  });
  it('refuses plain http:// to any host but this computer (secrets travel in the query)', () => {
    for (const url of [
      'http://runsignup.com/Rest',
      'http://test.runsignup.com/Rest',
      'http://192.168.1.20:8080/Rest',
      'http://127.example.com/Rest',
    ]) {
      expect(() => normaliseBaseUrl(url), url).toThrow(/must start with https:\/\//);
    }
    for (const url of [
      'https://runsignup.com/Rest',
      'http://127.0.0.1:9/Rest',
      'http://localhost:9/Rest',
      'http://[::1]:9/Rest',
    ]) {
      expect(normaliseBaseUrl(url), url).toBe(url);
    }
    expect(isLoopbackHost('127.10.0.1')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
  it('strips a trailing slash from the base URL', () => {
    expect(client({ baseUrl: `${base}/` }).baseUrl).toBe(base);
  });
});

describe('a client object shows no credential', () => {
  it('not through util.inspect, JSON.stringify or enumeration', () => {
    const c = client({ auth: { mode: 'api-key', apiKey: 'AKEY123', apiSecret: 'SECRET-XYZ' } });
    for (const text of [
      inspect(c, { depth: 5, showHidden: true }),
      JSON.stringify(c),
      JSON.stringify(Object.entries(c)),
    ]) {
      expect(text).not.toContain('SECRET-XYZ');
      expect(text).not.toContain('AKEY123');
    }
    expect(JSON.stringify(c)).toBe(JSON.stringify({ baseUrl: base, auth: 'api-key' }));
  });
});

describe('edges of paging and posting', () => {
  it('an empty batch is not sent', async () => {
    expect(await client().postResults({ eventId: 2, resultSetId: 3 }, [])).toEqual({
      ok: true,
      serverDate: null,
      elapsedMs: 0,
    });
    expect(seen).toHaveLength(0);
  });
  it('listRaces stops at its page cap and keeps what it read', async () => {
    let n = 0;
    handler = (_q, res) =>
      json(res, {
        races: Array.from({ length: 100 }, () => ({ race: { race_id: ++n, name: `R${n}` } })),
      });
    const races = await client().listRaces({ maxPages: 3 });
    expect(races).toHaveLength(300);
    expect(seen.map((s) => s.query.get('page'))).toEqual(['1', '2', '3']);
  });
  it('a paged read that never ends is an error, not an endless loop', async () => {
    let n = 0;
    handler = (_q, res) =>
      json(res, [
        {
          participants: Array.from({ length: 2500 }, () => ({
            registration_id: ++n,
            bib_num: null,
          })),
        },
      ]);
    const e = await client({ maxPages: 3 })
      .getParticipants(1, 2)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(RunSignupError);
    expect((e as RunSignupError).message).toMatch(/past page 3/);
  });
});

describe('sharing one client', () => {
  it('never has more than maxConcurrentRequests (default: CLIENT_ASSUMPTIONS, 1) in flight', async () => {
    let active = 0;
    let peak = 0;
    handler = (_q, res) => {
      active++;
      peak = Math.max(peak, active);
      // Answer a little later so that requests would overlap if the client let them.
      setTimeout(() => {
        active--;
        json(res, { start_time: '2026-05-01 08:00:00' });
      }, 15);
    };
    expect(CLIENT_ASSUMPTIONS.maxConcurrentRequests).toBe(1);
    const c = client();
    await Promise.all(Array.from({ length: 6 }, () => c.getStartTime(1, 2)));
    expect(seen).toHaveLength(6);
    expect(peak).toBe(CLIENT_ASSUMPTIONS.maxConcurrentRequests);
    peak = 0;
    const two = client({ maxConcurrentRequests: 2 });
    await Promise.all(Array.from({ length: 6 }, () => two.getStartTime(1, 2)));
    expect(peak).toBe(2);
  });
});

describe('format ignored: XML answers', () => {
  it('an XML error envelope is classified like the JSON one', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(
        '<?xml version="1.0"?><error><error_code>7</error_code><error_msg>Permission Denied</error_msg></error>',
      );
    };
    await expect(client().getRace(1)).rejects.toMatchObject({
      kind: 'auth',
      code: 7,
      message: 'Permission Denied',
    });
  });
  it('XML data where JSON was asked is a clear unknown error; an XML post success is success', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end('<race><race_id>1</race_id><name>R</name></race>');
    };
    await expect(client().getRace(1)).rejects.toMatchObject({
      kind: 'unknown',
      message: expect.stringMatching(/XML although JSON/),
    });
    expect(await client().postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1 }])).toMatchObject({
      ok: true,
    });
  });
});

describe('observers', () => {
  it('a throwing onResponse or onLog never fails a call', async () => {
    const c = client({
      onResponse: () => {
        throw new Error('observer bug');
      },
      onLog: () => {
        throw new Error('logger bug');
      },
    });
    expect(await c.postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1 }])).toMatchObject({
      ok: true,
    });
    expect(seen[0]!.headers['user-agent']).toMatch(/^Chute/);
  });
});

describe('API caller registration and the answers RunSignup gives at other statuses', () => {
  const caller = { token: 'CALLER-TOKEN-1', secret: 'CALLER-SECRET-2' };

  it('rides on every call of every mode, the login call included, and is never logged', async () => {
    handler = (q, res) => {
      if (q.path === '/Rest/login') return json(res, { tmp_key: 'tk', tmp_secret: 'ts', user: {} });
      json(res, { start_time: null });
    };
    const lines: string[] = [];
    const modes: RunSignupClientOptions['auth'][] = [
      { mode: 'api-key', apiKey: 'AKEY123', apiSecret: 'SECRET-XYZ' },
      { mode: 'v2-key', apiKey: 'V2K', apiSecret: 'V2SECRET' },
      { mode: 'login', email: 'a@b.c', password: 'PASSWORD!' },
      { mode: 'bearer', token: 'TOKEN123' },
    ];
    for (const auth of modes) {
      await client({ auth, caller, onLog: (l) => lines.push(l) }).getStartTime(1, 2);
    }
    expect(seen.map((s) => s.path)).toContain('/Rest/login');
    expect(seen).toHaveLength(5);
    for (const s of seen) {
      expect(s.query.get('rsu_api_reg')).toBe('CALLER-TOKEN-1');
      expect(s.headers['x-rsu-api-reg-secret']).toBe('CALLER-SECRET-2');
      expect(s.query.toString()).not.toContain('CALLER-SECRET-2');
    }
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines) expect(l).not.toMatch(/CALLER-TOKEN-1|CALLER-SECRET-2/);
  });

  it('error 17 at HTTP 400 is an auth failure with its own sentence, never "retry"', async () => {
    handler = (_q, res) =>
      json(res, { error: { error_code: 17, error_msg: 'Invalid API caller credentials.' } }, 400);
    const c = client({ caller });
    const e = await c.getStartTime(1, 2).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(CallerRegistrationError);
    expect(e).toMatchObject({ kind: 'auth', code: 17, httpStatus: 400 });
    expect((e as Error).message).toMatch(/caller registration.*Setup/);
    expect(
      await c.postResults({ eventId: 2, resultSetId: 3 }, [{ bib: 1, place: 1 }]),
    ).toMatchObject({ ok: false, kind: 'auth', code: 17 });
  });

  it('an error envelope is read at any HTTP status (401, 403, 400)', async () => {
    for (const [status, code, kind] of [
      [401, 6, 'auth'],
      [403, 7, 'auth'],
      [400, 3, 'rejected'],
    ] as const) {
      handler = (_q, res) => json(res, { error: { error_code: code, error_msg: 'no' } }, status);
      const e = await client()
        .getStartTime(1, 2)
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(e).toMatchObject({ kind, code, httpStatus: status });
    }
  });

  it('a refused bearer token says in one sentence that it has probably expired', async () => {
    handler = (_q, res) =>
      json(res, { error: { error_code: 6, error_msg: 'Key authentication failed' } });
    const e = await client({ auth: { mode: 'bearer', token: 'OLD-TOKEN' } })
      .getStartTime(1, 2)
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(e).toMatchObject({ kind: 'auth', code: 6 });
    expect((e as Error).message).toMatch(/access token.*probably expired.*30 days.*Setup/);
    expect((e as Error).message).not.toContain('OLD-TOKEN');
  });

  it('full-results sends event_id and individual_result_set_id in the query AND as POST fields', async () => {
    handler = (_q, res) => json(res, {});
    await client().postFullResults(1, 2, 3, [{ bib: 7, clock_time: '0:20:00.0' }]);
    const form = new URLSearchParams(seen[0]!.body);
    expect([
      seen[0]!.query.get('event_id'),
      seen[0]!.query.get('individual_result_set_id'),
    ]).toEqual(['2', '3']);
    expect([form.get('event_id'), form.get('individual_result_set_id')]).toEqual(['2', '3']);
    expect(JSON.parse(form.get('request')!)).toEqual({
      results: [{ bib: 7, clock_time: '0:20:00.0' }],
    });
  });
});

describe('a whole-set read on a flaky network', () => {
  it('tries a failed page again instead of throwing away the pages already read', async () => {
    let failures = 0;
    handler = (q, res) => {
      const page = Number(q.query.get('page'));
      if (page === 2 && failures < 2) {
        failures += 1;
        res.writeHead(503, { 'Content-Type': 'text/html' });
        return res.end('<html><body>busy</body></html>');
      }
      json(res, {
        individual_results_sets: [
          {
            individual_result_set_id: 3,
            results: Array.from({ length: page === 1 ? 100 : page === 2 ? 5 : 0 }, (_, i) => ({
              bib: page * 1000 + i,
            })),
          },
        ],
      });
    };
    const rows = await client().getResults(1, 2, 3);
    expect(rows).toHaveLength(105);
    expect(seen.map((s) => s.query.get('page'))).toEqual(['1', '2', '2', '2', '3']);
  });

  it('gives up on a page after three failures: the read is not complete', async () => {
    handler = (_q, res) => {
      res.writeHead(503, { 'Content-Type': 'text/html' });
      res.end('<html><body>busy</body></html>');
    };
    const e = await client()
      .getResults(1, 2, 3)
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(e).toMatchObject({ kind: 'retryable' });
    expect(seen).toHaveLength(3);
  });
});
