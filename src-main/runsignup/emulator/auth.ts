// The four ways RunSignup authenticates (RUNSIGNUP-API.md §2): api_key+api_secret, the login
// call's tmp_key+tmp_secret (expiring an hour after last use), rsu_api_key + X-RSU-API-SECRET,
// and OAuth2 Bearer. Secrets are compared here and never copied anywhere else.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  BEARER_ASSUMPTIONS,
  CALLER_REGISTRATION,
  EMULATOR_CHOICES,
  type EmulatorAssumptions,
} from '../assumptions';
import { CREDENTIAL_PARAMS } from '../redact';
import { ApiError, invalidParam, OAuthError } from './errors';

export interface PracticeCredentials {
  apiKey: string;
  apiSecret: string;
  v2Key: string;
  v2Secret: string;
  email: string;
  password: string;
  bearerToken: string;
  /** The OAuth2 refresh token issued with `bearerToken`, and the app's OAuth client id. */
  bearerRefreshToken: string;
  oauthClientId: string;
  noAccessApiKey: string;
  noAccessApiSecret: string;
  /** The app's API-caller registration (rsu_api_reg + X-RSU-API-REG-SECRET). */
  callerToken: string;
  callerSecret: string;
}

/** Who made a request: a principal with or without access to the practice race. */
export type Principal =
  | { kind: 'none' }
  | { kind: 'user'; mode: 'api-key' | 'tmp-key' | 'v2-key' | 'bearer'; hasRaceAccess: boolean };

export const TMP_KEY_IDLE_MS = 60 * 60 * 1000;
/** An access token's lifetime as RunSignup's OAuth2 page gives it (one month). */
export const ACCESS_TOKEN_SECONDS = BEARER_ASSUMPTIONS.accessTokenLifetimeDays * 24 * 60 * 60;

/** The refresh grant's answer, as RunSignup's Mobile Timing App reads it. */
export interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  token_type: 'Bearer';
}

export function practiceCredentials(seed: number): PracticeCredentials {
  return {
    apiKey: `practice-api-key-${seed}`,
    apiSecret: `practice-api-secret-${seed}`,
    v2Key: `practice-v2-key-${seed}`,
    v2Secret: `practice-v2-secret-${seed}`,
    email: 'timer@practice.chute.invalid',
    password: `practice-password-${seed}`,
    bearerToken: `practice-bearer-token-${seed}`,
    bearerRefreshToken: `practice-bearer-refresh-${seed}`,
    oauthClientId: `practice-oauth-client-${seed}`,
    noAccessApiKey: `practice-noaccess-key-${seed}`,
    noAccessApiSecret: `practice-noaccess-secret-${seed}`,
    callerToken: `practice-caller-token-${seed}`,
    callerSecret: `practice-caller-secret-${seed}`,
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AuthInput {
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export class Authenticator {
  private readonly tmpKeys = new Map<
    string,
    { secret: string; lastUsed: number; expired: boolean }
  >();

  /** Access tokens RunSignup knows, and when each expires. */
  private readonly accessTokens = new Map<string, number>();
  /** Refresh tokens that still renew (a rotated one is taken out). */
  private readonly refreshTokens = new Set<string>();

  constructor(
    private readonly creds: PracticeCredentials,
    private readonly now: () => number = Date.now,
  ) {
    this.accessTokens.set(creds.bearerToken, now() + ACCESS_TOKEN_SECONDS * 1000);
    this.refreshTokens.add(creds.bearerRefreshToken);
  }

  /** Every access token issued so far expires now (a month passed). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.keys()) this.accessTokens.set(token, -Infinity);
  }

  /**
   * POST /Rest/v2/auth/refresh-token.json (BEARER_ASSUMPTIONS): a fresh access token and refresh
   * token for a refresh token RunSignup issued; refusals as RunSignup's OAuth server words them.
   */
  refreshGrant(
    form: Record<string, string>,
    reuse: NonNullable<EmulatorAssumptions['refreshTokenReuse']>,
  ): TokenAnswer {
    if (form.grant_type !== 'refresh_token') {
      throw new OAuthError(
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
        400,
      );
    }
    if (!same(form.client_id ?? '', this.creds.oauthClientId)) {
      throw new OAuthError('invalid_client', 'Client authentication failed', 401);
    }
    const presented = form.refresh_token ?? '';
    const known = [...this.refreshTokens].some((t) => same(presented, t));
    if (!known) {
      throw new OAuthError(
        'invalid_grant',
        'The refresh token is invalid.',
        400,
        'Token has been revoked',
      );
    }
    if (reuse === 'rotates') this.refreshTokens.delete(presented);
    const access = `practice-bearer-${randomBytes(12).toString('hex')}`;
    const refresh = `practice-bearer-refresh-${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(access, this.now() + ACCESS_TOKEN_SECONDS * 1000);
    this.refreshTokens.add(refresh);
    return {
      access_token: access,
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: refresh,
      token_type: 'Bearer',
    };
  }

  /** POST /Rest/login: email+password → a temporary key pair. */
  login(
    email: string | undefined,
    password: string | undefined,
  ): { tmp_key: string; tmp_secret: string } {
    if (!email || !password)
      throw new ApiError(3, 'Invalid parameters: email and password are required.');
    if (!same(email.trim().toLowerCase(), this.creds.email)) {
      throw new ApiError(EMULATOR_CHOICES.unknownEmailCode);
    }
    if (!same(password, this.creds.password))
      throw new ApiError(EMULATOR_CHOICES.wrongPasswordCode);
    const tmpKey = randomBytes(16).toString('hex');
    const tmpSecret = randomBytes(24).toString('hex');
    this.tmpKeys.set(tmpKey, { secret: tmpSecret, lastUsed: this.now(), expired: false });
    return { tmp_key: tmpKey, tmp_secret: tmpSecret };
  }

  /**
   * The app's API-caller registration, checked before anything else on every call (login
   * included): `required`, a missing or wrong one is 17 at HTTP 400; `not-required`, only a
   * token that IS sent must be right (RunSignup already refuses an unrecognised one).
   */
  checkCaller(input: AuthInput, rule: EmulatorAssumptions['callerRegistration']): void {
    const status = this.callerStatus(input);
    if (status === 'valid' || (status === 'missing' && rule === 'not-required')) return;
    throw new ApiError(CALLER_REGISTRATION.refusedCode, CALLER_REGISTRATION.refusedText, {
      httpStatus: CALLER_REGISTRATION.refusedHttpStatus,
    });
  }

  /** What a request carried of the caller registration: both right, none, or anything else. */
  callerStatus(input: AuthInput): 'valid' | 'missing' | 'invalid' {
    const token = input.query[CALLER_REGISTRATION.queryParam];
    const raw = input.headers[CALLER_REGISTRATION.secretHeader.toLowerCase()];
    const secret = Array.isArray(raw) ? raw[0] : raw;
    if (token === undefined && secret === undefined) return 'missing';
    const valid =
      same(token ?? '', this.creds.callerToken) && same(secret ?? '', this.creds.callerSecret);
    return valid ? 'valid' : 'invalid';
  }

  expireTemporaryKeys(): void {
    for (const entry of this.tmpKeys.values()) entry.expired = true;
  }

  /**
   * Identifies the caller; throws error 6 for a bad key or secret, 3 for mixed modes, and for an
   * expired or unknown access token what `bearerRefused` says.
   */
  authenticate(
    input: AuthInput,
    bearerRefused: NonNullable<EmulatorAssumptions['bearerRefused']> = 'error-6',
  ): Principal {
    const { query, headers } = input;
    const header = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    if (
      query.tmp_key !== undefined &&
      (query.api_key !== undefined || query.rsu_api_key !== undefined)
    ) {
      throw invalidParam(
        'tmp_key cannot be combined with api_key or rsu_api_key.',
        EMULATOR_CHOICES.mixedAuthenticationCode,
      );
    }
    if (query.api_key !== undefined) {
      const secret = query.api_secret ?? '';
      if (same(query.api_key, this.creds.apiKey) && same(secret, this.creds.apiSecret)) {
        return { kind: 'user', mode: 'api-key', hasRaceAccess: true };
      }
      if (
        same(query.api_key, this.creds.noAccessApiKey) &&
        same(secret, this.creds.noAccessApiSecret)
      ) {
        return { kind: 'user', mode: 'api-key', hasRaceAccess: false };
      }
      throw new ApiError(6);
    }
    if (query.tmp_key !== undefined) {
      const entry = this.tmpKeys.get(query.tmp_key);
      const now = this.now();
      if (!entry || entry.expired || now - entry.lastUsed > TMP_KEY_IDLE_MS) throw new ApiError(6);
      if (!same(query.tmp_secret ?? '', entry.secret)) throw new ApiError(6);
      entry.lastUsed = now; // expires an hour after its LAST use
      return { kind: 'user', mode: 'tmp-key', hasRaceAccess: true };
    }
    const v2Key = query.rsu_api_key ?? query.sp_api_key;
    if (v2Key !== undefined) {
      if (
        same(v2Key, this.creds.v2Key) &&
        same(header('x-rsu-api-secret') ?? '', this.creds.v2Secret)
      ) {
        return { kind: 'user', mode: 'v2-key', hasRaceAccess: true };
      }
      throw new ApiError(6);
    }
    const authorization = header('authorization');
    if (authorization !== undefined) {
      const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
      const expiresAt = m ? this.accessTokenExpiry(m[1]!) : undefined;
      if (expiresAt !== undefined && this.now() < expiresAt) {
        return { kind: 'user', mode: 'bearer', hasRaceAccess: true };
      }
      if (bearerRefused === 'http-401') {
        throw new OAuthError(
          'access_denied',
          'The resource owner or authorization server denied the request.',
          401,
          'Access token could not be verified',
        );
      }
      throw new ApiError(6);
    }
    return { kind: 'none' };
  }

  private accessTokenExpiry(token: string): number | undefined {
    for (const [known, expiresAt] of this.accessTokens) if (same(token, known)) return expiresAt;
    return undefined;
  }
}

/**
 * Query keys whose values are secrets or session keys: never written to the request log. The
 * client's list, so the emulator's log and the client's log mask exactly the same names.
 */
export const SECRET_PARAMS: ReadonlySet<string> = new Set(CREDENTIAL_PARAMS);
