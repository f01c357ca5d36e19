// One authenticated way to RunSignup: the address, the race account's credentials (and the
// temporary-key session of login mode), the app's caller registration on every call, the
// transport and its limit on concurrent requests. Every answer is interpreted and every error
// scrubbed of secrets here; the client above it only says which call to make.
import {
  authMaterial,
  callerMaterial,
  RenewingSession,
  secretsOf,
  TemporaryKeySession,
  validateAuth,
  validateCaller,
  type ApiCaller,
  type BearerTokens,
  type RunSignupAuth,
  type TemporaryKey,
} from './auth';
import type { DecodedBody } from './body';
import { isRunSignupError, KEY_AUTH_FAILED_CODE, RunSignupError } from './errors';
import { BEARER_ASSUMPTIONS, CLIENT_ASSUMPTIONS } from './assumptions';
import { interpretAnswer } from './interpret';
import {
  bearerRefused,
  earlyRenewalDue,
  isBearerRefusal,
  refreshForm,
  tokensFromAnswer,
} from './oauth';
import { redact, redactUrl } from './redact';
import { parseLogin } from './responses';
import { DEFAULT_TIMEOUTS, HttpTransport, type HttpResponse, type Timeouts } from './transport';

/** Identifies the station to RunSignup's operators (no version: nothing secret or personal). */
export const USER_AGENT = 'Chute finish-line timing station';
/**
 * RunSignup's developer terms reportedly allow 2 concurrent calls; a client shared by the sync
 * loop, the gun poller and the participant refresh sends at most this many at once.
 */
export const DEFAULT_MAX_CONCURRENT_REQUESTS: number = CLIENT_ASSUMPTIONS.maxConcurrentRequests;

export interface ResponseTiming {
  /** The response's `Date` header (ms since epoch, 1 s resolution), null when absent. */
  serverDate: number | null;
  /** Local clock (the client's `now`) when the request was sent and when the answer ended. */
  sentAt: number;
  receivedAt: number;
  method: 'GET' | 'POST';
  /** The path only (no query, so no credentials). */
  path: string;
  status: number;
}

export interface ChannelOptions {
  /** `RUNSIGNUP_PRODUCTION_URL`, `RUNSIGNUP_TEST_URL` or any base (the emulator's `url`). */
  baseUrl: string;
  auth: RunSignupAuth;
  /**
   * The app's API-caller registration, sent on every call (login included) when given. RunSignup
   * requires it from 2027-01-01; without it such a RunSignup answers error 17.
   */
  caller?: ApiCaller | null;
  timeouts?: Partial<Timeouts>;
  /** Local clock; injectable for tests. */
  now?: () => number;
  /** Called for EVERY answer that arrived (errors included): the clock-offset estimator's input. */
  onResponse?: (timing: ResponseTiming) => void;
  /** One redacted line per request. */
  onLog?: (line: string) => void;
  maxConcurrentRequests?: number;
  /**
   * Called with the tokens of every OAuth renewal (bearer mode with a refresh token), so the app
   * can keep the new refresh token: RunSignup may not take the old one again.
   */
  onBearerRenewed?: (tokens: BearerTokens) => void;
}

export interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  form?: Record<string, string>;
  /** The login call itself carries no credentials in the query. */
  anonymous?: boolean;
}

export interface CallResult {
  decoded: DecodedBody;
  response: HttpResponse;
}

/** A FIFO counting semaphore: at most `max` requests in flight per client. */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** A host name that can only mean this computer: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('The RunSignup address is not a valid URL (e.g. https://runsignup.com/Rest).');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('The RunSignup address must start with https://.');
  }
  // Secrets travel in the query string (api_secret, tmp_secret) or the form (password): over
  // plain http anyone on the venue's Wi-Fi could read them. Only this machine (the emulator,
  // a local proxy) may be reached without TLS.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(
      `The RunSignup address must start with https:// (plain http:// is allowed only for this computer, e.g. the practice emulator), not http://${url.host}.`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error('The RunSignup address must not contain credentials, a query or a fragment.');
  }
  return url.toString().replace(/\/+$/, '');
}

export class RunSignupChannel {
  readonly baseUrl: string;
  readonly now: () => number;
  // ECMAScript-private, so console.log / util.inspect / JSON.stringify never shows a credential
  // (TypeScript's `private` is only a compile-time check).
  readonly #auth: RunSignupAuth;
  readonly #caller: ApiCaller | null;
  readonly #options: ChannelOptions;
  readonly #session: TemporaryKeySession | null;
  /** Bearer mode with a refresh token: the tokens in use, renewed through the refresh grant. */
  readonly #bearer: RenewingSession<BearerTokens> | null;
  #latestBearer: BearerTokens | null = null;
  /** No early renewal before this (local clock): one failed a short while ago. */
  #earlyRenewalNotBefore = 0;
  private readonly transport: HttpTransport;
  private readonly limiter: Limiter;

  constructor(options: ChannelOptions) {
    this.#options = { ...options };
    validateAuth(options.auth);
    this.#caller = validateCaller(options.caller);
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.#auth = { ...options.auth };
    this.now = options.now ?? Date.now;
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    for (const [k, v] of Object.entries(timeouts)) {
      if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
        throw new Error(`Timeout ${k} must be a positive number of milliseconds.`);
      }
    }
    this.transport = new HttpTransport(timeouts, this.now);
    this.limiter = new Limiter(
      Math.max(1, options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS),
    );
    this.#session =
      this.#auth.mode === 'login' ? new TemporaryKeySession(() => this.login()) : null;
    const a = this.#auth;
    if (a.mode === 'bearer' && a.refreshToken && a.clientId) {
      this.#latestBearer = { accessToken: a.token, refreshToken: a.refreshToken, expiresAt: null };
      this.#bearer = new RenewingSession(() => this.refreshGrant(), this.#latestBearer, true);
    } else {
      this.#bearer = null;
    }
  }

  /** How the race account authenticates (no credential). */
  get mode(): RunSignupAuth['mode'] {
    return this.#auth.mode;
  }

  toJSON(): { baseUrl: string; auth: RunSignupAuth['mode'] } {
    return { baseUrl: this.baseUrl, auth: this.#auth.mode };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RunSignupChannel { baseUrl: '${this.baseUrl}', auth: '${this.#auth.mode}' }`;
  }

  private secrets(): string[] {
    const renewed = this.#latestBearer;
    return [
      ...secretsOf(this.#auth, this.#session?.key ?? null, this.#caller),
      ...(renewed ? [renewed.accessToken, renewed.refreshToken] : []),
    ];
  }

  private buildUrl(path: string, query: Record<string, string | number>): string {
    const params = new URLSearchParams();
    params.set('format', 'json');
    for (const [k, v] of Object.entries(query)) params.set(k, String(v));
    return `${this.baseUrl}${path}?${params.toString()}`;
  }

  /**
   * One HTTP exchange with the given temporary key (login mode) or access token (a renewed
   * bearer) — no retry here. The caller registration rides on every exchange, the login call's
   * and the token renewal's included.
   */
  private async exchange(
    spec: CallSpec,
    tmp: TemporaryKey | null,
    accessToken: string | null = null,
  ): Promise<CallResult> {
    const material = spec.anonymous
      ? { query: {}, headers: {} }
      : accessToken !== null
        ? { query: {}, headers: { Authorization: `Bearer ${accessToken}` } }
        : authMaterial(this.#auth, tmp);
    const caller = callerMaterial(this.#caller);
    const url = this.buildUrl(spec.path, {
      ...spec.query,
      ...material.query,
      ...caller.query,
    });
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...material.headers,
      ...caller.headers,
    };
    let body: string | undefined;
    if (spec.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(spec.form).toString();
    }
    let response: HttpResponse;
    try {
      response = await this.limiter.run(() =>
        this.transport.send({ method: spec.method, url, headers, body }),
      );
    } catch (e) {
      this.log(
        `${spec.method} ${redactUrl(url)} failed: ${e instanceof Error ? e.message : 'error'}`,
      );
      throw this.scrub(e);
    }
    // An observer's bug must not turn an accepted post into a failure (and a re-post).
    try {
      this.#options.onResponse?.({
        serverDate: response.serverDate,
        sentAt: response.sentAt,
        receivedAt: response.receivedAt,
        method: spec.method,
        path: spec.path,
        status: response.status,
      });
    } catch {
      // ignored on purpose: see above
    }
    const result = interpretAnswer(response, this.now());
    this.log(
      `${spec.method} ${redactUrl(url)} -> HTTP ${response.status}` +
        `${result.ok ? '' : ` ${result.error.kind}${result.error.code != null ? ` ${result.error.code}` : ''}`}` +
        ` (${response.receivedAt - response.sentAt} ms)`,
    );
    if (!result.ok) throw this.scrub(result.error);
    return { decoded: result.decoded, response };
  }

  /**
   * One call with authentication. Login mode logs in first when needed and, on error 6 (the
   * temporary key expired), logs in again ONCE and repeats the call.
   */
  async call(spec: CallSpec): Promise<CallResult> {
    if (this.#auth.mode === 'bearer') return this.bearerCall(spec);
    if (!this.#session || spec.anonymous) return this.exchange(spec, null);
    const key = await this.#session.ensure();
    try {
      return await this.exchange(spec, key);
    } catch (e) {
      if (!(isRunSignupError(e) && e.code === KEY_AUTH_FAILED_CODE)) throw e;
      const fresh = await this.#session.refresh(key);
      return this.exchange(spec, fresh);
    }
  }

  /**
   * Bearer mode. With a refresh token, a token about to expire is renewed first (when that
   * fails the call goes on with the token, which still works, and the next early attempt waits
   * `earlyRenewalRetryMs`) and a refused one is renewed ONCE and the call repeated, so the timer
   * never notices a month passing.
   * Without one (or when RunSignup will not renew it) a refusal says so in one sentence. The
   * app's caller registration (17) keeps its own sentence.
   */
  private async bearerCall(spec: CallSpec): Promise<CallResult> {
    const session = this.#bearer;
    if (!session || spec.anonymous) {
      try {
        return await this.exchange(spec, null);
      } catch (e) {
        throw isBearerRefusal(e) ? bearerRefused(e, null) : e;
      }
    }
    let tokens = await session.ensure();
    if (earlyRenewalDue(tokens, this.now(), this.#earlyRenewalNotBefore)) {
      try {
        tokens = await session.refresh(tokens);
      } catch (e) {
        // The token still works until it expires: this call goes on with it, whatever kept the
        // renewal from happening, and the next early attempt waits (a refusal once expired is
        // renewed below at once).
        this.#earlyRenewalNotBefore = this.now() + BEARER_ASSUMPTIONS.earlyRenewalRetryMs;
        this.log(
          `OAuth early renewal failed (${this.scrub(e).message}); the current access token is ` +
            `used, renewal tried again in ${BEARER_ASSUMPTIONS.earlyRenewalRetryMs / 60_000} min`,
        );
        tokens = session.key ?? tokens;
      }
    }
    try {
      return await this.exchange(spec, null, tokens.accessToken);
    } catch (e) {
      if (!isBearerRefusal(e)) throw e;
      let fresh: BearerTokens;
      try {
        fresh = await session.refresh(tokens);
      } catch (renewal) {
        // A network failure is tried again later like any call; a refusal is the timer's.
        if (isRunSignupError(renewal) && renewal.kind === 'retryable') throw renewal;
        throw bearerRefused(e, { refused: this.scrub(renewal) });
      }
      try {
        return await this.exchange(spec, null, fresh.accessToken);
      } catch (again) {
        throw isBearerRefusal(again) ? bearerRefused(again, 'renewed') : again;
      }
    }
  }

  /** RunSignup's OAuth2 refresh grant: new tokens for the refresh token in use. */
  private async refreshGrant(): Promise<BearerTokens> {
    const latest = this.#latestBearer;
    const a = this.#auth;
    if (!latest || a.mode !== 'bearer' || !a.clientId) {
      throw new Error('refreshGrant() without a refresh token');
    }
    const { decoded } = await this.exchange(
      {
        method: 'POST',
        path: BEARER_ASSUMPTIONS.refreshPath,
        form: refreshForm(latest.refreshToken, a.clientId),
        anonymous: true,
      },
      null,
    );
    const tokens = tokensFromAnswer(
      this.jsonOf(decoded, 'the OAuth token renewal'),
      latest,
      this.now(),
    );
    this.#latestBearer = tokens;
    this.log('OAuth access token renewed');
    try {
      this.#options.onBearerRenewed?.({ ...tokens });
    } catch {
      // The app failing to keep the tokens must not fail the call that needed them.
    }
    return tokens;
  }

  private async login(): Promise<TemporaryKey> {
    if (this.#auth.mode !== 'login') throw new Error('login() without login credentials');
    const { decoded } = await this.exchange(
      {
        method: 'POST',
        path: '/login',
        form: { email: this.#auth.email, password: this.#auth.password },
        anonymous: true,
      },
      null,
    );
    return parseLogin(this.jsonOf(decoded, 'login'));
  }

  /** Any error text, with URLs and every secret masked. */
  scrub(e: unknown): RunSignupError {
    const secrets = this.secrets();
    if (isRunSignupError(e)) {
      const clean = redact(e.message, secrets);
      if (clean === e.message) return e;
      return new RunSignupError({
        kind: e.kind,
        code: e.code,
        message: clean,
        retryAfterMs: e.retryAfterMs,
        httpStatus: e.httpStatus,
      });
    }
    const text = e instanceof Error ? e.message : String(e);
    return new RunSignupError({
      kind: 'unknown',
      message: redact(`RunSignup call failed: ${text}`, secrets),
    });
  }

  private log(line: string): void {
    try {
      this.#options.onLog?.(redact(line, this.secrets()));
    } catch {
      // A failing logger never fails a RunSignup call.
    }
  }

  jsonOf(decoded: DecodedBody, what: string): unknown {
    if (decoded.type === 'json') return decoded.value;
    throw new RunSignupError({
      kind: 'unknown',
      message:
        decoded.type === 'xml'
          ? `RunSignup answered ${what} in XML although JSON was asked.`
          : `RunSignup sent an empty answer to ${what}.`,
    });
  }

  async getJson(
    path: string,
    query: Record<string, string | number>,
    what: string,
  ): Promise<unknown> {
    const { decoded } = await this.call({ method: 'GET', path, query });
    return this.jsonOf(decoded, what);
  }

  async post(
    path: string,
    query: Record<string, string | number>,
    request: unknown,
  ): Promise<CallResult> {
    return this.call({
      method: 'POST',
      path,
      query: { ...query, request_format: 'json' },
      form: { request: JSON.stringify(request), request_format: 'json' },
    });
  }

  /** Closes the connection pool; calls after this fail. */
  async close(): Promise<void> {
    await this.transport.close();
  }
}
