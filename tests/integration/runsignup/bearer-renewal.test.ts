// OAuth bearer tokens against the emulator's refresh grant (BEARER_ASSUMPTIONS): a month passes
// (every access token expires) and the client renews with its refresh token and repeats the
// call, so a post still comes back ok; without a refresh token, or when RunSignup will not
// renew, the timer reads one sentence. Every variant of how RunSignup refuses an expired token
// and whether a refresh token may be used twice.
import { afterEach, describe, expect, it } from 'vitest';
import type { BearerTokens } from '../../../src-main/runsignup/auth';
import { RunSignupClient, type RunSignupClientOptions } from '../../../src-main/runsignup/client';
import { startEmulator, type RunningEmulator } from '../../../src-main/runsignup/emulator';
import {
  BEARER_ASSUMPTIONS,
  type EmulatorAssumptions,
} from '../../../src-main/runsignup/assumptions';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function emulator(assumptions: Partial<EmulatorAssumptions> = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ seed: 12, assumptions });
  opened.push(emu);
  return emu;
}

function bearerClient(
  emu: RunningEmulator,
  options: { refresh?: boolean; refreshToken?: string; token?: string } & Partial<
    Omit<RunSignupClientOptions, 'auth'>
  > = {},
) {
  const c = emu.practice.credentials;
  const {
    refresh = true,
    refreshToken = c.bearerRefreshToken,
    token = c.bearerToken,
    ...rest
  } = options;
  const client = new RunSignupClient({
    baseUrl: emu.url,
    auth: {
      mode: 'bearer',
      token,
      ...(refresh ? { refreshToken, clientId: c.oauthClientId } : {}),
    },
    caller: emu.practice.caller,
    raceId: emu.practice.raceId,
    ...rest,
  });
  opened.unshift(client);
  return client;
}

function target(emu: RunningEmulator) {
  const ev = emu.practice.events[0]!;
  return { eventId: ev.eventId, resultSetId: ev.resultSets[0]!.resultSetId };
}

const renewals = (emu: RunningEmulator, from = 0) =>
  emu.log.slice(from).filter((l) => l.path.toLowerCase() === '/rest/v2/auth/refresh-token.json');

describe.each([
  { bearerRefused: 'error-6', refreshTokenReuse: 'rotates' },
  { bearerRefused: 'http-401', refreshTokenReuse: 'rotates' },
  { bearerRefused: 'error-6', refreshTokenReuse: 'kept' },
  { bearerRefused: 'http-401', refreshTokenReuse: 'kept' },
] as const)('bearer renewal, %o', (variant) => {
  it("an expired access token is renewed and the post repeated: postResults, the sync loop's call, comes back ok", async () => {
    const emu = await emulator(variant);
    const renewed: BearerTokens[] = [];
    const lines: string[] = [];
    const client = bearerClient(emu, {
      onBearerRenewed: (t) => renewed.push(t),
      onLog: (l) => lines.push(l),
    });
    const t = target(emu);
    expect(await client.postResults(t, [{ bib: 1, clock_time: '0:20:00' }])).toMatchObject({
      ok: true,
    });
    expect(renewals(emu)).toHaveLength(0);

    emu.expireAccessTokens(); // a month passes
    const before = emu.log.length;
    expect(await client.postResults(t, [{ bib: 1, clock_time: '0:21:00' }])).toMatchObject({
      ok: true,
    });
    const seen = emu.log.slice(before);
    // Refused once, renewed once (carrying the caller registration like every call), repeated.
    expect(seen.map((l) => l.status === 200 && l.errorCode === null)).toEqual([false, true, true]);
    expect(renewals(emu, before)).toHaveLength(1);
    expect(seen.map((l) => l.caller)).toEqual(['valid', 'valid', 'valid']);
    expect(renewals(emu, before)[0]!.query['refresh_token']).toBe('[redacted]');
    expect(renewed).toHaveLength(1);
    expect(renewed[0]!.accessToken).not.toBe(emu.practice.credentials.bearerToken);
    expect(renewed[0]!.expiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
    // Another month: renewed again with the refresh token RunSignup gave last.
    emu.expireAccessTokens();
    expect(await client.getStartTime(emu.practice.raceId, t.eventId)).toBeDefined();
    expect(renewed).toHaveLength(2);
    expect(renewed[1]!.refreshToken).not.toBe(renewed[0]!.refreshToken);
    // No token, old or new, in any log line.
    const secrets = [
      emu.practice.credentials.bearerRefreshToken,
      ...renewed.flatMap((r) => [r.accessToken, r.refreshToken]),
    ];
    for (const l of lines) for (const s of secrets) expect(l).not.toContain(s);
  });

  it('concurrent calls that meet the expired token share one renewal', async () => {
    const emu = await emulator(variant);
    const client = bearerClient(emu);
    const t = target(emu);
    await client.getStartTime(emu.practice.raceId, t.eventId);
    emu.expireAccessTokens();
    const before = emu.log.length;
    const answers = await Promise.all(
      [1, 2, 3, 4].map((bib) => client.postResults(t, [{ bib, clock_time: '0:22:00' }])),
    );
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(renewals(emu, before)).toHaveLength(1);
  });

  it('a refresh token RunSignup no longer takes: one sentence, posting pauses as auth', async () => {
    const emu = await emulator(variant);
    const first = bearerClient(emu);
    const t = target(emu);
    emu.expireAccessTokens();
    expect((await first.postResults(t, [{ bib: 1, clock_time: '0:20:00' }])).ok).toBe(true);
    // A second station still holding the original refresh token (already used once above).
    const second = bearerClient(emu, {
      refreshToken:
        variant.refreshTokenReuse === 'rotates'
          ? emu.practice.credentials.bearerRefreshToken
          : 'a-refresh-token-runsignup-never-issued',
    });
    const out = await second.postResults(t, [{ bib: 2, clock_time: '0:20:00' }]);
    expect(out).toMatchObject({ ok: false, kind: 'auth' });
    if (out.ok) return;
    expect(out.message).toMatch(
      /refused the OAuth access token \((error 6|HTTP 401)\) and would not renew it \(.*refresh token is invalid.*\): sign in to RunSignup again and enter the new access and refresh tokens in Setup\./,
    );
    expect(out.message).not.toContain(emu.practice.credentials.bearerRefreshToken);
  });
});

describe('bearer without a refresh token', () => {
  it('an expired token says in one sentence that it has probably expired', async () => {
    for (const bearerRefused of ['error-6', 'http-401'] as const) {
      const emu = await emulator({ bearerRefused });
      const client = bearerClient(emu, { refresh: false });
      emu.expireAccessTokens();
      const out = await client.postResults(target(emu), [{ bib: 1, clock_time: '0:20:00' }]);
      expect(out).toMatchObject({ ok: false, kind: 'auth' });
      if (!out.ok) expect(out.message).toMatch(/probably expired.*30 days.*Setup/);
      expect(renewals(emu)).toHaveLength(0);
    }
  });
});

describe('bearer renewal before the expiry', () => {
  it('a token known to expire within a day is renewed before the call, never refused', async () => {
    const emu = await emulator();
    let now = Date.now();
    const client = bearerClient(emu, { now: () => now });
    const t = target(emu);
    // The first renewal tells the client when its token expires.
    emu.expireAccessTokens();
    await client.getStartTime(emu.practice.raceId, t.eventId);
    const before = emu.log.length;
    now += 29.5 * 24 * 3600_000; // within a day of the renewed token's month
    expect((await client.postResults(t, [{ bib: 3, clock_time: '0:20:00' }])).ok).toBe(true);
    const seen = emu.log.slice(before);
    expect(seen.map((l) => [l.status, l.errorCode])).toEqual([
      [200, null],
      [200, null],
    ]);
    expect(renewals(emu, before)).toHaveLength(1);
  });
});

describe('an early renewal that fails', () => {
  const DAY = 24 * 3600_000;
  const REFRESH_PATH = '/Rest/v2/auth/refresh-token.json';
  const backOff = BEARER_ASSUMPTIONS.earlyRenewalRetryMs;

  /** A client whose token RunSignup renewed once (so its expiry is known), on a movable clock. */
  async function renewedOnce(
    emu: RunningEmulator,
    options: Partial<Omit<RunSignupClientOptions, 'auth'>> = {},
  ) {
    const clock = { now: Date.now() };
    const renewed: BearerTokens[] = [];
    const client = bearerClient(emu, {
      now: () => clock.now,
      onBearerRenewed: (t) => renewed.push(t),
      ...options,
    });
    emu.expireAccessTokens();
    await client.getStartTime(emu.practice.raceId, target(emu).eventId);
    expect(renewed).toHaveLength(1);
    return { client, clock, renewed };
  }

  /** Every request since `from` that is not the renewal answered ok with the given token. */
  const postsSince = (emu: RunningEmulator, from: number) =>
    emu.log.slice(from).filter((l) => l.path.toLowerCase() !== REFRESH_PATH.toLowerCase());

  it.each([
    { answer: 'HTTP 503', kind: 'http-503', assumptions: {} },
    { answer: 'HTTP 500', kind: 'http-500', assumptions: {} },
    { answer: 'no answer', kind: 'no-answer', assumptions: {} },
    {
      answer: 'HTTP 429',
      kind: 'throttle',
      assumptions: { throttle: 'http-429', retryAfterSeconds: 30 },
    },
    { answer: 'error 14', kind: 'throttle', assumptions: {} },
  ] as const)(
    'the OAuth endpoint failing ($answer) a day before the expiry: posts go on with the token that still works, the renewal is tried again only after the back-off',
    async ({ kind, assumptions }) => {
      const emu = await emulator(assumptions);
      const { client, clock, renewed } = await renewedOnce(emu, {
        timeouts: { connectMs: 1000, headersMs: 400, bodyMs: 400, overallMs: 800 },
      });
      const t = target(emu);
      emu.setFaults({ paths: [REFRESH_PATH], probability: 1, kinds: [kind], noAnswerMs: 5000 });
      clock.now += 29.5 * DAY; // within a day of the renewed token's month
      const before = emu.log.length;
      for (const bib of [1, 2, 3]) {
        expect(await client.postResults(t, [{ bib, clock_time: '0:20:00' }])).toMatchObject({
          ok: true,
        });
        clock.now += backOff / 4;
      }
      // One attempt for the three posts; every post answered with the token in use.
      expect(renewals(emu, before)).toHaveLength(1);
      expect(postsSince(emu, before).map((l) => [l.status, l.errorCode])).toEqual([
        [200, null],
        [200, null],
        [200, null],
      ]);
      expect(renewed).toHaveLength(1);
      expect(emu.results(t.resultSetId).map((r) => r.bib)).toEqual(
        expect.arrayContaining([1, 2, 3]),
      );

      // The endpoint is back and the back-off over: the next call renews first.
      emu.setFaults(null);
      clock.now += backOff;
      const later = emu.log.length;
      expect((await client.postResults(t, [{ bib: 4, clock_time: '0:20:00' }])).ok).toBe(true);
      expect(renewals(emu, later)).toHaveLength(1);
      expect(renewed).toHaveLength(2);
      // Renewed for another month: no early attempt for the calls after it.
      const settled = emu.log.length;
      expect((await client.postResults(t, [{ bib: 5, clock_time: '0:20:00' }])).ok).toBe(true);
      expect(renewals(emu, settled)).toHaveLength(0);
    },
  );

  it('a call that starts while a failing early renewal is under way also goes on with the token in use', async () => {
    const emu = await emulator();
    const { client, clock } = await renewedOnce(emu, {
      timeouts: { connectMs: 1000, headersMs: 600, bodyMs: 600, overallMs: 1200 },
    });
    const t = target(emu);
    emu.setFaults({ paths: [REFRESH_PATH], probability: 1, kinds: ['no-answer'] });
    clock.now += 29.5 * DAY;
    const before = emu.log.length;
    const first = client.postResults(t, [{ bib: 1, clock_time: '0:20:00' }]);
    await expect.poll(() => renewals(emu, before).length).toBe(1);
    const second = client.postResults(t, [{ bib: 2, clock_time: '0:20:00' }]);
    expect((await first).ok).toBe(true);
    expect((await second).ok).toBe(true);
    expect(renewals(emu, before)).toHaveLength(1);
  });

  it('a refresh token RunSignup no longer takes, a day before the expiry: posts go on, the refresh grant is not asked on every call', async () => {
    const emu = await emulator();
    const { client, clock, renewed } = await renewedOnce(emu);
    const t = target(emu);
    // Another station, given the same tokens, renews first: this client's refresh token is spent.
    const other = bearerClient(emu, {
      token: 'an-access-token-runsignup-never-issued',
      refreshToken: renewed[0]!.refreshToken,
    });
    await other.getStartTime(emu.practice.raceId, t.eventId);
    expect(renewals(emu).filter((l) => l.status === 200)).toHaveLength(2);

    clock.now += 29.5 * DAY;
    const before = emu.log.length;
    for (const bib of [1, 2, 3]) {
      expect((await client.postResults(t, [{ bib, clock_time: '0:20:00' }])).ok).toBe(true);
      clock.now += backOff / 4;
    }
    const attempts = renewals(emu, before);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.status).toBe(400);
    clock.now += backOff;
    expect((await client.postResults(t, [{ bib: 4, clock_time: '0:20:00' }])).ok).toBe(true);
    expect(renewals(emu, before)).toHaveLength(2);

    // Once the token has expired, RunSignup's refusal is renewed at once, and says so in one
    // sentence when it cannot be.
    emu.expireAccessTokens();
    clock.now += backOff / 4;
    const out = await client.postResults(t, [{ bib: 5, clock_time: '0:20:00' }]);
    expect(out).toMatchObject({ ok: false, kind: 'auth' });
    if (!out.ok) expect(out.message).toMatch(/would not renew it .*refresh token is invalid/);
  });

  it('a renewal forced by a refused token still fails the call when the OAuth endpoint is down (tried again later like any call)', async () => {
    const emu = await emulator();
    const client = bearerClient(emu);
    const t = target(emu);
    emu.expireAccessTokens();
    emu.setFaults({ paths: [REFRESH_PATH], probability: 1, kinds: ['http-503'] });
    const out = await client.postResults(t, [{ bib: 1, clock_time: '0:20:00' }]);
    expect(out).toMatchObject({ ok: false, kind: 'retryable' });
    emu.setFaults(null);
    expect((await client.postResults(t, [{ bib: 1, clock_time: '0:20:00' }])).ok).toBe(true);
  });
});

describe('a bearer given half of its refresh pair', () => {
  it('is refused before any request', () => {
    expect(
      () =>
        new RunSignupClient({
          baseUrl: 'https://runsignup.com/Rest',
          auth: { mode: 'bearer', token: 't', refreshToken: 'r' },
        }),
    ).toThrow(/refresh token and client id go together/);
  });
});
