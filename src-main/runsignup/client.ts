// The RunSignup API client: every call the station makes (RUNSIGNUP-API.md §3–5), one way of
// authenticating per instance, every answer parsed and every failure classified. It implements
// the sync loop's ResultsPoster, whose postResults never throws.
import type { Participant } from '../../src-shared/domain';
import type {
  PostOutcome,
  ResultPostRow,
  ResultReadRow,
  ResultsPoster,
} from '../../src-shared/sync-contract';
import {
  authMaterial,
  callerMaterial,
  secretsOf,
  TemporaryKeySession,
  validateAuth,
  validateCaller,
  type ApiCaller,
  type RunSignupAuth,
  type TemporaryKey,
} from './auth';
import type { DecodedBody } from './body';
import {
  isCallerRegistrationCode,
  isRunSignupError,
  KEY_AUTH_FAILED_CODE,
  RunSignupError,
} from './errors';
import { BEARER_ASSUMPTIONS, CLIENT_ASSUMPTIONS } from './assumptions';
import {
  fullResultsForm,
  rowFailuresError,
  rowFailuresOf,
  validatePostRows,
  type SuccessBodyRowFailures,
} from './full-results';
import { interpretAnswer } from './interpret';
import { redact, redactUrl } from './redact';
import {
  parseLogin,
  parseParticipantsPage,
  parseRace,
  parseRaces,
  parseResultSets,
  parseResultSetSplits,
  parseResultsPage,
  parseStartTime,
  type RaceInfo,
  type ResultRecord,
  type ResultSetInfo,
  type SplitInfo,
} from './responses';
import { DEFAULT_TIMEOUTS, HttpTransport, type HttpResponse, type Timeouts } from './transport';

/** The production address RunSignup's API pages give (the older runsignup.com/Rest still answers). */
export const RUNSIGNUP_PRODUCTION_URL = 'https://api.runsignup.com/rest';
export const RUNSIGNUP_TEST_URL = 'https://test.runsignup.com/Rest';

/** RunSignup's maximum page size for participants (documented). */
export const PARTICIPANTS_PAGE_SIZE = 2500;
/**
 * Page size for get-results: RunSignup is reported to cap pages at 100 whatever is asked, so a
 * read asks for that and ends only at an EMPTY page (CLIENT_ASSUMPTIONS.resultsPerPage).
 */
export const RESULTS_PAGE_SIZE: number = CLIENT_ASSUMPTIONS.resultsPerPage;
/** Most rows one full-results post may carry (CLIENT_ASSUMPTIONS.maxRowsPerPost). */
export const MAX_ROWS_PER_POST: number = CLIENT_ASSUMPTIONS.maxRowsPerPost;
/** Page size for the races list. */
export const RACES_PAGE_SIZE = 100;
/** Identifies the station to RunSignup's operators (no version: nothing secret or personal). */
export const USER_AGENT = 'Chute finish-line timing station';
/** Pages of races read for the pick list (see listRaces). */
export const RACES_MAX_PAGES = 10;
/** Tries per page of a whole-set read, and the longest wait between them. */
const PAGE_ATTEMPTS = 3;
const MAX_PAGE_RETRY_WAIT_MS = 5_000;
/** A guard against a server that ignores `page`: no real race has 500 pages of anything. */
const MAX_PAGES = 500;
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

export interface RunSignupClientOptions {
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
  /** Most pages any paged read follows before failing (default 500: no real race has more). */
  maxPages?: number;
  /** The race `postResults` (ResultsPoster) posts to; see also `posterFor(raceId)`. */
  raceId?: number;
  /** What a success body of full-results may say about refused rows (default: CLIENT_ASSUMPTIONS). */
  successBodyRowFailures?: SuccessBodyRowFailures;
}

export interface PostResultsOptions {
  skipInvalidRegistrationIds?: boolean;
}

export interface PostAck {
  serverDate: number | null;
  elapsedMs: number;
}

/** A whole result set as get-results shows it: read page by page until an empty page. */
export type CompleteResultRead = ResultRecord[] & { complete: true };

interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  form?: Record<string, string>;
  /** The login call itself carries no credentials in the query. */
  anonymous?: boolean;
}

interface CallResult {
  decoded: DecodedBody;
  response: HttpResponse;
}

function requireId(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RunSignupError({
      kind: 'rejected',
      message: `${what} must be a positive whole number.`,
    });
  }
  return value;
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

export class RunSignupClient implements ResultsPoster {
  readonly baseUrl: string;
  // ECMAScript-private, so console.log / util.inspect / JSON.stringify of a client never shows
  // a credential (TypeScript's `private` is only a compile-time check).
  readonly #auth: RunSignupAuth;
  readonly #caller: ApiCaller | null;
  readonly #options: RunSignupClientOptions;
  private readonly transport: HttpTransport;
  private readonly now: () => number;
  private readonly limiter: Limiter;
  readonly #session: TemporaryKeySession | null;

  constructor(options: RunSignupClientOptions) {
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
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private secrets(): string[] {
    return secretsOf(this.#auth, this.#session?.key ?? null, this.#caller);
  }

  private buildUrl(path: string, query: Record<string, string | number>): string {
    const params = new URLSearchParams();
    params.set('format', 'json');
    for (const [k, v] of Object.entries(query)) params.set(k, String(v));
    return `${this.baseUrl}${path}?${params.toString()}`;
  }

  /**
   * One HTTP exchange with the given temporary key (login mode) — no retry here. The caller
   * registration rides on every exchange, the login call's included.
   */
  private async exchange(spec: CallSpec, tmp: TemporaryKey | null): Promise<CallResult> {
    const material = spec.anonymous ? { query: {}, headers: {} } : authMaterial(this.#auth, tmp);
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
  private async call(spec: CallSpec): Promise<CallResult> {
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
   * Bearer mode: a refused token is most likely an expired one (RunSignup's access tokens last
   * a month), so the error says so in one sentence. The app's caller registration (17) keeps its
   * own sentence.
   */
  private async bearerCall(spec: CallSpec): Promise<CallResult> {
    try {
      return await this.exchange(spec, null);
    } catch (e) {
      if (!(isRunSignupError(e) && e.kind === 'auth' && !isCallerRegistrationCode(e.code))) throw e;
      throw new RunSignupError({
        kind: 'auth',
        code: e.code,
        httpStatus: e.httpStatus,
        message:
          `RunSignup refused the OAuth access token (${e.code != null ? `error ${e.code}` : `HTTP ${e.httpStatus ?? '?'}`}): ` +
          `it has probably expired (RunSignup's access tokens last ${BEARER_ASSUMPTIONS.accessTokenLifetimeDays} days); ` +
          'sign in to RunSignup again and enter the new token in Setup.',
      });
    }
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
  private scrub(e: unknown): RunSignupError {
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

  private jsonOf(decoded: DecodedBody, what: string): unknown {
    if (decoded.type === 'json') return decoded.value;
    throw new RunSignupError({
      kind: 'unknown',
      message:
        decoded.type === 'xml'
          ? `RunSignup answered ${what} in XML although JSON was asked.`
          : `RunSignup sent an empty answer to ${what}.`,
    });
  }

  private async getJson(
    path: string,
    query: Record<string, string | number>,
    what: string,
  ): Promise<unknown> {
    const { decoded } = await this.call({ method: 'GET', path, query });
    return this.jsonOf(decoded, what);
  }

  /**
   * Every page of a paged GET, until a short page (`endsAt: 'short-page'`, where RunSignup
   * documents that a short page is the end) or until an EMPTY page (`'empty-page'`, where pages
   * are capped whatever is asked). A page identical to the previous one means the server ignores
   * `page`: a short-page read stops there, an empty-page read fails (it cannot claim the whole).
   */
  private async allPages<T>(
    pageSize: number,
    fetchPage: (page: number) => Promise<{ items: T[]; raw: number }>,
    limit: {
      maxPages: number;
      whenExceeded: 'error' | 'keep-read';
      endsAt?: 'short-page' | 'empty-page';
    } = {
      maxPages: this.#options.maxPages ?? MAX_PAGES,
      whenExceeded: 'error',
    },
  ): Promise<T[]> {
    const out: T[] = [];
    const endsAtEmpty = limit.endsAt === 'empty-page';
    let previous: string | null = null;
    for (let page = 1; page <= limit.maxPages; page++) {
      const { items, raw } = await fetchPage(page);
      const signature = JSON.stringify(items);
      if (raw > 0 && signature === previous) {
        if (!endsAtEmpty) return out;
        throw new RunSignupError({
          kind: 'unknown',
          message: `RunSignup sent page ${page} the same as page ${page - 1}: the read cannot be complete.`,
        });
      }
      previous = signature;
      out.push(...items);
      if (endsAtEmpty ? raw === 0 : raw < pageSize) return out;
    }
    if (limit.whenExceeded === 'keep-read') return out;
    throw new RunSignupError({
      kind: 'unknown',
      message: `RunSignup kept sending pages past page ${limit.maxPages}; stopped reading.`,
    });
  }

  /**
   * One page of a whole-set read, tried again on a retryable failure (a dropped connection, a
   * 5xx, code 14 after its wait): a read needs every page, so one lost page must not throw away
   * the pages already read. Anything else, or a third failure, fails the read.
   */
  private async withPageRetries<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (e) {
        if (!(isRunSignupError(e) && e.kind === 'retryable') || attempt >= PAGE_ATTEMPTS) throw e;
        const wait = Math.min(e.retryAfterMs ?? 0, MAX_PAGE_RETRY_WAIT_MS);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  // ---- reading the race ----------------------------------------------------------------------

  /** The race with ALL its events, past ones included. */
  async getRace(raceId: number): Promise<RaceInfo> {
    const id = requireId(raceId, 'Race id');
    const value = await this.getJson(
      `/race/${id}`,
      { future_events_only: 'F', most_recent_events_only: 'F' },
      'get-race',
    );
    return parseRace(value);
  }

  /**
   * The races these credentials can access, with their events, for a pick list. At most
   * `maxPages` pages of 100 are read: which races `/races` lists for a given key is not
   * documented, and a pick list of a thousand races is already more than a timer can use.
   */
  async listRaces(options: { maxPages?: number } = {}): Promise<RaceInfo[]> {
    const maxPages = Math.max(1, Math.min(MAX_PAGES, options.maxPages ?? RACES_MAX_PAGES));
    return this.allPages(
      RACES_PAGE_SIZE,
      async (page) => {
        const value = await this.getJson(
          '/races',
          { events: 'T', page, results_per_page: RACES_PAGE_SIZE, sort: 'date ASC' },
          'races',
        );
        const items = parseRaces(value);
        return { items, raw: items.length };
      },
      { maxPages, whenExceeded: 'keep-read' },
    );
  }

  /**
   * Every participant of an event, all pages of 2500. `modifiedAfter` (ms since epoch) fetches
   * only those changed on or after it (RunSignup takes whole seconds).
   */
  async getParticipants(
    raceId: number,
    eventId: number,
    options: { modifiedAfter?: number; onPage?: (fetched: number) => void } = {},
  ): Promise<Participant[]> {
    const race = requireId(raceId, 'Race id');
    const event = requireId(eventId, 'Event id');
    const query: Record<string, string | number> = {
      event_id: event,
      results_per_page: PARTICIPANTS_PAGE_SIZE,
      sort: 'registration_id ASC',
    };
    if (options.modifiedAfter !== undefined) {
      if (!Number.isFinite(options.modifiedAfter) || options.modifiedAfter < 0) {
        throw new RunSignupError({
          kind: 'rejected',
          message: 'modifiedAfter must be a time in ms since 1970.',
        });
      }
      query['modified_after_timestamp'] = Math.floor(options.modifiedAfter / 1000);
    }
    let fetched = 0;
    return this.allPages(PARTICIPANTS_PAGE_SIZE, async (page) => {
      const value = await this.getJson(
        `/race/${race}/participants`,
        { ...query, page },
        'get-participants',
      );
      const { participants, rawCount } = parseParticipantsPage(value, event);
      fetched += participants.length;
      options.onPage?.(fetched);
      return { items: participants, raw: rawCount };
    });
  }

  async getResultSets(raceId: number, eventId: number): Promise<ResultSetInfo[]> {
    const race = requireId(raceId, 'Race id');
    const event = requireId(eventId, 'Event id');
    const value = await this.getJson(
      `/race/${race}/results/get-result-sets`,
      { event_id: event },
      'get-result-sets',
    );
    return parseResultSets(value);
  }

  async getResultSetSplits(
    raceId: number,
    eventId: number,
    resultSetId: number,
  ): Promise<SplitInfo[]> {
    const race = requireId(raceId, 'Race id');
    const event = requireId(eventId, 'Event id');
    const set = requireId(resultSetId, 'Result set id');
    const value = await this.getJson(
      `/race/${race}/results/result-set-splits`,
      { event_id: event, individual_result_set_id: set },
      'result-set-splits',
    );
    return parseResultSetSplits(value, set);
  }

  /**
   * The WHOLE result set as RunSignup shows it (row key `bib`, compact times, '' for empty):
   * pages of at most 100 read until an empty page, since RunSignup caps pages and sends no
   * total. Resolves only with a complete read (flagged `complete: true`); anything less throws.
   * This is the read a read-back or an audit may trust.
   */
  async getResults(
    raceId: number,
    eventId: number,
    resultSetId: number,
  ): Promise<CompleteResultRead> {
    const race = requireId(raceId, 'Race id');
    const event = requireId(eventId, 'Event id');
    const set = requireId(resultSetId, 'Result set id');
    const rows = await this.allPages(
      RESULTS_PAGE_SIZE,
      async (page) => {
        const value = await this.withPageRetries(() =>
          this.getJson(
            `/race/${race}/results/get-results`,
            {
              event_id: event,
              individual_result_set_id: set,
              page,
              results_per_page: RESULTS_PAGE_SIZE,
            },
            'get-results',
          ),
        );
        const items = parseResultsPage(value, set);
        return { items, raw: items.length };
      },
      {
        maxPages: this.#options.maxPages ?? MAX_PAGES,
        whenExceeded: 'error',
        endsAt: 'empty-page',
      },
    );
    return Object.assign(rows, { complete: true as const });
  }

  /** The event's gun time as RunSignup stores it (`YYYY-MM-DD HH:MM:SS`), or null. */
  async getStartTime(raceId: number, eventId: number): Promise<string | null> {
    const race = requireId(raceId, 'Race id');
    const event = requireId(eventId, 'Event id');
    const value = await this.getJson(
      `/race/${race}/results/start-time`,
      { event_id: event },
      'start-time',
    );
    return parseStartTime(value);
  }

  // ---- writing -------------------------------------------------------------------------------

  private async post(
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

  /** Sets the event's gun time (`YYYY-MM-DD HH:MM:SS`, the race's time zone). */
  async postStartTime(raceId: number, eventId: number, startTime: string): Promise<void> {
    const race = requireId(raceId, 'Race id');
    const event = requireId(eventId, 'Event id');
    if (
      typeof startTime !== 'string' ||
      !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/.test(startTime)
    ) {
      throw new RunSignupError({
        kind: 'rejected',
        message: 'Start time must look like 2026-05-01 08:00:00.',
      });
    }
    await this.post(
      `/race/${race}/results/start-time`,
      { event_id: event },
      { start_time: startTime },
    );
  }

  /**
   * Post Event Results. Resolves only when RunSignup accepted EVERY row (HTTP 2xx, no error
   * key, no per-row failure report); otherwise throws a classified RunSignupError.
   */
  async postFullResults(
    raceId: number,
    eventId: number,
    resultSetId: number,
    rows: readonly ResultPostRow[],
    options: PostResultsOptions = {},
  ): Promise<PostAck> {
    const race = requireId(raceId, 'Race id');
    const event = requireId(eventId, 'Event id');
    const set = requireId(resultSetId, 'Result set id');
    try {
      validatePostRows(rows);
    } catch (e) {
      throw new RunSignupError({
        kind: 'rejected',
        message: e instanceof Error ? e.message : 'Invalid rows.',
      });
    }
    // Nothing to post is not a request: RunSignup would answer an empty batch with error 3.
    if (rows.length === 0) return { serverDate: null, elapsedMs: 0 };
    if (rows.length > MAX_ROWS_PER_POST) {
      throw new RunSignupError({
        kind: 'rejected',
        message: `At most ${MAX_ROWS_PER_POST} rows go in one post to RunSignup, not ${rows.length}.`,
      });
    }
    // Both ids in the query AND as POST fields, as RunSignup's own example sends them.
    const target = { event_id: String(event), individual_result_set_id: String(set) };
    const query: Record<string, string | number> = { ...target, request_format: 'json' };
    const form: Record<string, string> = { ...target, ...fullResultsForm(rows) };
    if (options.skipInvalidRegistrationIds !== undefined) {
      const skip = options.skipInvalidRegistrationIds ? 'T' : 'F';
      query['skip_invalid_registration_ids'] = skip;
      form['skip_invalid_registration_ids'] = skip;
    }
    const started = this.now();
    const { decoded, response } = await this.call({
      method: 'POST',
      path: `/race/${race}/results/full-results`,
      query,
      form,
    });
    // The success body is undocumented: only a per-row failure report may be read from it.
    if (decoded.type === 'json' || decoded.type === 'xml') {
      const failures = rowFailuresOf(
        decoded.value,
        this.#options.successBodyRowFailures ?? CLIENT_ASSUMPTIONS.successBodyRowFailures,
      );
      if (failures.length > 0) throw this.scrub(rowFailuresError(failures));
    }
    return { serverDate: response.serverDate, elapsedMs: Math.max(0, this.now() - started) };
  }

  /** ResultsPoster: the sync loop's one call. Never throws; every failure comes back classified. */
  async postResults(
    target: { eventId: number; resultSetId: number },
    rows: ResultPostRow[],
  ): Promise<PostOutcome> {
    return this.postResultsTo(this.#options.raceId, target, rows);
  }

  private async postResultsTo(
    raceId: number | undefined,
    target: { eventId: number; resultSetId: number },
    rows: ResultPostRow[],
  ): Promise<PostOutcome> {
    try {
      if (raceId === undefined) {
        throw new RunSignupError({
          kind: 'unknown',
          message: 'No race chosen: the client has no raceId to post to.',
        });
      }
      const ack = await this.postFullResults(raceId, target.eventId, target.resultSetId, rows);
      return { ok: true, serverDate: ack.serverDate, elapsedMs: ack.elapsedMs };
    } catch (e) {
      const err = this.scrub(e);
      return {
        ok: false,
        kind: err.kind,
        code: err.code,
        message: err.message,
        retryAfterMs: err.retryAfterMs,
      };
    }
  }

  /** What a log or debugger shows of a client: the address and the auth mode, no credential. */
  toJSON(): { baseUrl: string; auth: RunSignupAuth['mode'] } {
    return { baseUrl: this.baseUrl, auth: this.#auth.mode };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RunSignupClient { baseUrl: '${this.baseUrl}', auth: '${this.#auth.mode}' }`;
  }

  /**
   * A ResultsPoster bound to `raceId`, sharing this client (and its login session): posts, and
   * reads a whole result set back (`readResults`, complete or throwing).
   */
  posterFor(raceId: number): ResultsPoster & {
    readResults(target: {
      eventId: number;
      resultSetId: number;
    }): Promise<ResultReadRow[] & { complete: true }>;
  } {
    return {
      postResults: (target, rows) => this.postResultsTo(raceId, target, rows),
      readResults: (target) => this.getResults(raceId, target.eventId, target.resultSetId),
    };
  }

  /** Closes the connection pool; calls after this fail. */
  async close(): Promise<void> {
    await this.transport.close();
  }
}
