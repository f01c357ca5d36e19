import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BEARER_ASSUMPTIONS } from '../../../src-main/runsignup/assumptions';
import {
  RenewingSession,
  authFromConnection,
  secretsOf,
  validateAuth,
} from '../../../src-main/runsignup/auth';
import { decodeBody, errorEnvelopeOf } from '../../../src-main/runsignup/body';
import { RunSignupError } from '../../../src-main/runsignup/errors';
import {
  bearerRefused,
  earlyRenewalDue,
  isBearerRefusal,
  refreshForm,
  tokensFromAnswer,
} from '../../../src-main/runsignup/oauth';

const previous = { accessToken: 'A0', refreshToken: 'R0', expiresAt: null };

describe('the OAuth refresh grant', () => {
  it("sends what RunSignup's own timing app sends", () => {
    expect(refreshForm('R0', 'CLIENT')).toEqual({
      grant_type: 'refresh_token',
      client_id: 'CLIENT',
      scope: 'rsu_api_read rsu_api_write',
      refresh_token: 'R0',
    });
  });

  it('takes the new tokens and their expiry; keeps the refresh token when none comes back', () => {
    expect(
      tokensFromAnswer(
        { access_token: 'A1', expires_in: 2592000, refresh_token: 'R1', token_type: 'Bearer' },
        previous,
        1_000,
      ),
    ).toEqual({ accessToken: 'A1', refreshToken: 'R1', expiresAt: 1_000 + 2_592_000_000 });
    expect(tokensFromAnswer({ access_token: 'A2' }, previous, 0)).toEqual({
      accessToken: 'A2',
      refreshToken: 'R0',
      expiresAt: null,
    });
  });

  it('an answer without an access token is an error sentence, never echoing a value', () => {
    const e = (() => {
      try {
        tokensFromAnswer({ refresh_token: 'SECRET-R' }, previous, 0);
        return null;
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(RunSignupError);
    expect((e as Error).message).toMatch(
      /token renewal was not in the expected shape \(access_token/,
    );
    expect((e as Error).message).not.toContain('SECRET-R');
  });

  it('reads an OAuth refusal body as an error with its description', () => {
    const decoded = decodeBody(
      JSON.stringify({
        error: 'invalid_grant',
        error_description: 'The refresh token is invalid.',
        hint: 'Token has been revoked',
      }),
    );
    expect(errorEnvelopeOf(decoded)).toEqual({
      code: null,
      message: 'invalid_grant: The refresh token is invalid.',
    });
  });
});

describe('a refused access token, in one sentence', () => {
  const refusal = new RunSignupError({
    kind: 'auth',
    code: 6,
    message: 'Key authentication failed',
  });
  it('without a refresh token: probably expired', () => {
    expect(bearerRefused(refusal, null).message).toMatch(
      /^RunSignup refused the OAuth access token \(error 6\): it has probably expired .*30 days.*Setup\.$/,
    );
  });
  it('when RunSignup would not renew it, or refused the token it just renewed', () => {
    const refused = new RunSignupError({ kind: 'auth', message: 'invalid_grant: no' });
    expect(bearerRefused(refusal, { refused }).message).toMatch(
      /would not renew it \(invalid_grant: no\).*access and refresh tokens in Setup/,
    );
    const http = new RunSignupError({ kind: 'auth', httpStatus: 401, message: 'access_denied' });
    expect(bearerRefused(http, 'renewed').message).toMatch(/just renewed \(HTTP 401\)/);
    expect(bearerRefused(http, 'renewed')).toMatchObject({ kind: 'auth', httpStatus: 401 });
  });
  it('the caller registration (17) is not a bearer refusal', () => {
    expect(isBearerRefusal(new RunSignupError({ kind: 'auth', code: 17, message: 'x' }))).toBe(
      false,
    );
    expect(isBearerRefusal(refusal)).toBe(true);
  });
});

describe('bearer credentials with a refresh token', () => {
  it('come both or neither, are secrets, and come from a Connection', () => {
    expect(() => validateAuth({ mode: 'bearer', token: 'T', clientId: 'C' })).toThrow(
      /both or neither/,
    );
    expect(() =>
      validateAuth({ mode: 'bearer', token: 'T', refreshToken: 'R', clientId: 'C' }),
    ).not.toThrow();
    expect(
      secretsOf({ mode: 'bearer', token: 'T', refreshToken: 'R', clientId: 'C' }, null),
    ).toEqual(['T', 'R']);
    expect(
      authFromConnection({
        auth: 'bearer',
        baseUrl: 'https://x/Rest',
        token: 't',
        refreshToken: 'r',
        clientId: 'c',
      })?.auth,
    ).toEqual({ mode: 'bearer', token: 't', refreshToken: 'r', clientId: 'c' });
  });

  it('a failed early renewal keeps the token in use; a later one replaces it', async () => {
    let calls = 0;
    const session = new RenewingSession<string>(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('down');
        return 'fresh';
      },
      'current',
      true,
    );
    await expect(session.refresh('current')).rejects.toThrow('down');
    expect(session.key).toBe('current');
    expect(await session.refresh('current')).toBe('fresh');
  });
});

describe('a renewal under way', () => {
  it('leaves the token in use to the calls that start meanwhile, and shares itself with a refused one', async () => {
    let fail: (e: Error) => void = () => {};
    let calls = 0;
    const session = new RenewingSession<string>(
      () => {
        calls += 1;
        return new Promise<string>((_, reject) => (fail = reject));
      },
      'current',
      true,
    );
    const early = session.refresh('current');
    expect(session.key).toBe('current');
    expect(await session.ensure()).toBe('current');
    const refused = session.refresh('current');
    expect(calls).toBe(1);
    fail(new Error('down'));
    await expect(early).rejects.toThrow('down');
    await expect(refused).rejects.toThrow('down');
    expect(session.key).toBe('current');
  });
});

describe('when a token is renewed before a call', () => {
  const renewWindow = BEARER_ASSUMPTIONS.renewBeforeExpiryMs;
  const tokens = (expiresAt: number | null) => ({ ...previous, expiresAt });

  it('only within the window before a known expiry, and not while a failed attempt waits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.integer({ min: -3 * renewWindow, max: 3 * renewWindow }),
        fc.integer({ min: -renewWindow, max: renewWindow }),
        (now, untilExpiry, untilRetry) => {
          const due = earlyRenewalDue(tokens(now + untilExpiry), now, now + untilRetry);
          expect(due).toBe(untilExpiry <= renewWindow && untilRetry <= 0);
          expect(earlyRenewalDue(tokens(null), now, now + untilRetry)).toBe(false);
        },
      ),
    );
  });

  it('a day before the expiry, again once the back-off after a failure is over', () => {
    const expiresAt = 30 * 24 * 3600_000;
    const inWindow = expiresAt - renewWindow / 2;
    expect(earlyRenewalDue(tokens(expiresAt), expiresAt - renewWindow - 1, 0)).toBe(false);
    expect(earlyRenewalDue(tokens(expiresAt), inWindow, 0)).toBe(true);
    const retryAt = inWindow + BEARER_ASSUMPTIONS.earlyRenewalRetryMs;
    expect(earlyRenewalDue(tokens(expiresAt), retryAt - 1, retryAt)).toBe(false);
    expect(earlyRenewalDue(tokens(expiresAt), retryAt, retryAt)).toBe(true);
  });
});
