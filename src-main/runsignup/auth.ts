// The four ways RunSignup authenticates a call (RUNSIGNUP-API.md §2), as pure functions that say
// what goes in the query string and headers, plus the shared temporary-key session of the
// login mode (one login at a time, however many calls notice the key expired).
import type { Connection } from '../../src-shared/station-api';
import { CALLER_REGISTRATION } from './assumptions';

export type RunSignupAuth =
  | { mode: 'api-key'; apiKey: string; apiSecret: string }
  | { mode: 'login'; email: string; password: string }
  | { mode: 'v2-key'; apiKey: string; apiSecret: string }
  | {
      mode: 'bearer';
      token: string;
      /**
       * With these two, an expired or refused access token is renewed through RunSignup's
       * OAuth2 refresh grant (BEARER_ASSUMPTIONS) without the timer noticing.
       */
      refreshToken?: string;
      clientId?: string;
    };

/** An OAuth2 access token with what renews it (expiry unknown until RunSignup says). */
export interface BearerTokens {
  accessToken: string;
  refreshToken: string;
  /** ms since epoch; null when not known (a token pasted into Setup). */
  expiresAt: number | null;
}

/**
 * The app's API-caller registration (CALLER_REGISTRATION): identifies the program, not the race
 * account, and rides on every call of every mode, login included.
 */
export interface ApiCaller {
  token: string;
  secret: string;
}

/** The login call's answer: a temporary key pair sent in the query string like api_key. */
export interface TemporaryKey {
  tmpKey: string;
  tmpSecret: string;
}

export interface AuthMaterial {
  query: Record<string, string>;
  headers: Record<string, string>;
}

/**
 * What a call carries for `auth`. The login mode needs its temporary key (null before login:
 * the caller logs in first). tmp_key is never combined with api_key (RunSignup refuses it).
 */
export function authMaterial(auth: RunSignupAuth, tmp: TemporaryKey | null): AuthMaterial {
  switch (auth.mode) {
    case 'api-key':
      return { query: { api_key: auth.apiKey, api_secret: auth.apiSecret }, headers: {} };
    case 'login':
      if (tmp === null) throw new Error('Not logged in to RunSignup yet.');
      return { query: { tmp_key: tmp.tmpKey, tmp_secret: tmp.tmpSecret }, headers: {} };
    case 'v2-key':
      return {
        query: { rsu_api_key: auth.apiKey },
        headers: { 'X-RSU-API-SECRET': auth.apiSecret },
      };
    case 'bearer':
      return { query: {}, headers: { Authorization: `Bearer ${auth.token}` } };
  }
}

/** What every call carries for the app's caller registration (nothing without one). */
export function callerMaterial(caller: ApiCaller | null): AuthMaterial {
  if (caller === null) return { query: {}, headers: {} };
  return {
    query: { [CALLER_REGISTRATION.queryParam]: caller.token },
    headers: { [CALLER_REGISTRATION.secretHeader]: caller.secret },
  };
}

/** Both or neither: a caller token without its secret (or the reverse) is refused here. */
export function validateCaller(caller: ApiCaller | null | undefined): ApiCaller | null {
  if (caller == null) return null;
  const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim() === '';
  if (blank(caller.token) && blank(caller.secret)) return null;
  if (blank(caller.token) || blank(caller.secret)) {
    throw new Error('The API caller token and secret go together: give both or neither.');
  }
  return { token: caller.token.trim(), secret: caller.secret.trim() };
}

/** Every value that must never appear in a log line or an error text. */
export function secretsOf(
  auth: RunSignupAuth,
  tmp: TemporaryKey | null,
  caller: ApiCaller | null = null,
): string[] {
  const out: string[] = caller ? [caller.token, caller.secret] : [];
  switch (auth.mode) {
    case 'api-key':
    case 'v2-key':
      out.push(auth.apiKey, auth.apiSecret);
      break;
    case 'login':
      out.push(auth.password);
      break;
    case 'bearer':
      out.push(auth.token);
      if (auth.refreshToken) out.push(auth.refreshToken);
      break;
  }
  if (tmp) out.push(tmp.tmpKey, tmp.tmpSecret);
  return out;
}

/** Checks that every credential field is a non-blank string; throws a plain sentence if not. */
export function validateAuth(auth: RunSignupAuth): void {
  const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim() === '';
  switch (auth.mode) {
    case 'api-key':
    case 'v2-key':
      if (blank(auth.apiKey) || blank(auth.apiSecret)) {
        throw new Error('RunSignup API key and secret are both required.');
      }
      return;
    case 'login':
      if (blank(auth.email) || blank(auth.password)) {
        throw new Error('RunSignup email and password are both required.');
      }
      return;
    case 'bearer':
      if (blank(auth.token)) throw new Error('A RunSignup access token is required.');
      if (
        (auth.refreshToken !== undefined || auth.clientId !== undefined) &&
        (blank(auth.refreshToken) || blank(auth.clientId))
      ) {
        throw new Error('The OAuth refresh token and client id go together: give both or neither.');
      }
      return;
    default:
      throw new Error('Unknown RunSignup authentication mode.');
  }
}

/** The client's view of a StationApi `Connection` (null for practice: the caller starts the emulator). */
export function authFromConnection(
  c: Connection,
): { baseUrl: string; auth: RunSignupAuth; caller: ApiCaller | null } | null {
  if (c.auth === 'practice') return null;
  const resolved = accountAuthFromConnection(c);
  return resolved && { ...resolved, caller: callerFromConnection(c) };
}

/** The connection's API-caller registration, or null when it has none (both or neither). */
export function callerFromConnection(c: Connection): ApiCaller | null {
  if (c.auth === 'practice') return null;
  return validateCaller({ token: c.callerToken ?? '', secret: c.callerSecret ?? '' });
}

function accountAuthFromConnection(c: Connection): { baseUrl: string; auth: RunSignupAuth } | null {
  switch (c.auth) {
    case 'practice':
      return null;
    case 'api-key':
      return {
        baseUrl: c.baseUrl,
        auth: { mode: 'api-key', apiKey: c.apiKey, apiSecret: c.apiSecret },
      };
    case 'v2-key':
      return {
        baseUrl: c.baseUrl,
        auth: { mode: 'v2-key', apiKey: c.apiKey, apiSecret: c.apiSecret },
      };
    case 'login':
      return { baseUrl: c.baseUrl, auth: { mode: 'login', email: c.email, password: c.password } };
    case 'bearer':
      return {
        baseUrl: c.baseUrl,
        auth: {
          mode: 'bearer',
          token: c.token,
          ...(c.refreshToken !== undefined ? { refreshToken: c.refreshToken } : {}),
          ...(c.clientId !== undefined ? { clientId: c.clientId } : {}),
        },
      };
  }
}

/**
 * A key shared by every call of one client that RunSignup lets expire: the login mode's
 * temporary key, or an OAuth2 access token. Concurrent calls that need a key wait for ONE
 * renewal; a call that saw key K refused asks for a fresh key only if K is still the current one
 * (another call may have renewed it meanwhile). `renew` is given the key being replaced.
 */
export class RenewingSession<K> {
  private current: K | null;
  private pending: Promise<K> | null = null;

  /**
   * `keepOnFailure`: the key being replaced stays in use while its renewal is under way and
   * after one that failed (an access token renewed early still works until it expires; one
   * that was refused is refused again and joins the renewal under way); otherwise the session
   * is left without a key and the next call renews (a temporary key RunSignup refused is of no
   * further use).
   */
  constructor(
    private readonly renew: (previous: K | null) => Promise<K>,
    initial: K | null = null,
    private readonly keepOnFailure = false,
  ) {
    this.current = initial;
  }

  get key(): K | null {
    return this.current;
  }

  /** The current key, renewing first if there is none. */
  async ensure(): Promise<K> {
    if (this.current) return this.current;
    return this.refresh(null);
  }

  /** A fresh key, unless `stale` was already replaced by a newer one. */
  async refresh(stale: K | null): Promise<K> {
    if (this.current && this.current !== stale) return this.current;
    if (!this.pending) {
      const previous = this.current ?? stale;
      if (!this.keepOnFailure) this.current = null;
      this.pending = this.renew(previous).then(
        (k) => {
          this.current = k;
          this.pending = null;
          return k;
        },
        (e: unknown) => {
          if (this.keepOnFailure) this.current ??= previous;
          this.pending = null;
          throw e;
        },
      );
    }
    return this.pending;
  }
}

/** The login mode's temporary key (logged in again on error 6). */
export class TemporaryKeySession extends RenewingSession<TemporaryKey> {
  constructor(login: () => Promise<TemporaryKey>) {
    super(() => login());
  }
}
