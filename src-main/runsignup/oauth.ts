// RunSignup's OAuth2 refresh grant (BEARER_ASSUMPTIONS), as pure pieces: the form a renewal
// sends, how its answer becomes tokens, and the one sentence a timer reads when a token is
// refused. The channel does the I/O.
import { z } from 'zod';
import type { BearerTokens } from './auth';
import { BEARER_ASSUMPTIONS } from './assumptions';
import { RunSignupError, isCallerRegistrationCode, isRunSignupError } from './errors';
import { describeIssues } from '../../src-shared/zod-issues';

/** The refresh grant's form, as RunSignup's Mobile Timing App sends it. */
export function refreshForm(refreshToken: string, clientId: string): Record<string, string> {
  return {
    grant_type: 'refresh_token',
    client_id: clientId,
    scope: BEARER_ASSUMPTIONS.refreshScope,
    refresh_token: refreshToken,
  };
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  /** Seconds; absent: the expiry stays unknown. */
  expires_in: z.coerce.number().positive().optional(),
  /** Absent: the refresh token in use stays valid. */
  refresh_token: z.string().min(1).optional(),
});

/** The tokens a renewal gave (the refresh token kept when none came back). */
export function tokensFromAnswer(
  value: unknown,
  previous: BearerTokens,
  now: number,
): BearerTokens {
  const parsed = TokenAnswer.safeParse(value);
  if (!parsed.success) {
    throw new RunSignupError({
      kind: 'unknown',
      message: `RunSignup's answer to the OAuth token renewal was not in the expected shape (${describeIssues(parsed.error, 1)}).`,
    });
  }
  const a = parsed.data;
  return {
    accessToken: a.access_token,
    refreshToken: a.refresh_token ?? previous.refreshToken,
    expiresAt: a.expires_in === undefined ? null : now + a.expires_in * 1000,
  };
}

/**
 * Whether a token should be renewed before a call: its expiry is known and near
 * (`renewBeforeExpiryMs`), and no early renewal failed recently (`notBefore`, local clock).
 */
export function earlyRenewalDue(tokens: BearerTokens, now: number, notBefore: number): boolean {
  return (
    tokens.expiresAt !== null &&
    now >= tokens.expiresAt - BEARER_ASSUMPTIONS.renewBeforeExpiryMs &&
    now >= notBefore
  );
}

/** Whether an error is RunSignup refusing the access token (not the app's caller registration). */
export function isBearerRefusal(e: unknown): e is RunSignupError {
  return isRunSignupError(e) && e.kind === 'auth' && !isCallerRegistrationCode(e.code);
}

function how(e: RunSignupError): string {
  return e.code != null ? `error ${e.code}` : `HTTP ${e.httpStatus ?? '?'}`;
}

/**
 * The sentence for a refused access token: without a refresh token it has probably expired;
 * with one, RunSignup would not renew it (`renewal`), or refused the token it had just renewed.
 */
export function bearerRefused(
  refusal: RunSignupError,
  renewal: { refused: RunSignupError } | 'renewed' | null,
): RunSignupError {
  const lifetime = `RunSignup's access tokens last ${BEARER_ASSUMPTIONS.accessTokenLifetimeDays} days`;
  let message: string;
  if (renewal === null) {
    message =
      `RunSignup refused the OAuth access token (${how(refusal)}): it has probably expired ` +
      `(${lifetime}); sign in to RunSignup again and enter the new token in Setup.`;
  } else if (renewal === 'renewed') {
    message =
      `RunSignup refused the OAuth access token it had just renewed (${how(refusal)}): check ` +
      'that the account still has access to this race, or sign in to RunSignup again and ' +
      'enter the new tokens in Setup.';
  } else {
    message =
      `RunSignup refused the OAuth access token (${how(refusal)}) and would not renew it ` +
      `(${renewal.refused.message}): sign in to RunSignup again and enter the new access and ` +
      'refresh tokens in Setup.';
  }
  return new RunSignupError({
    kind: 'auth',
    code: refusal.code,
    httpStatus: refusal.httpStatus,
    message,
  });
}
