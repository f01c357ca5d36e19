// The RunSignup API client: every call the station makes (RUNSIGNUP-API.md §3–5), the reads
// (paged until complete) and the posts, every answer parsed. How a call is authenticated, sent
// and its failure classified is the channel's (./channel.ts). It implements the sync loop's
// ResultsPoster, whose postResults never throws.
import type { Participant } from '../../src-shared/domain';
import type {
  PostOutcome,
  ResultPostRow,
  ResultReadRow,
  ResultsPoster,
} from '../../src-shared/sync-contract';
import type { RunSignupAuth } from './auth';
import { RunSignupChannel, type ChannelOptions } from './channel';
import { isRunSignupError, RunSignupError } from './errors';
import { CLIENT_ASSUMPTIONS } from './assumptions';
import {
  fullResultsForm,
  rowFailuresError,
  rowFailuresOf,
  validatePostRows,
  type SuccessBodyRowFailures,
} from './full-results';
import {
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

export {
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  isLoopbackHost,
  normaliseBaseUrl,
  USER_AGENT,
  type ResponseTiming,
} from './channel';

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
/** Pages of races read for the pick list (see listRaces). */
export const RACES_MAX_PAGES = 10;
/** Tries per page of a whole-set read, and the longest wait between them. */
const PAGE_ATTEMPTS = 3;
const MAX_PAGE_RETRY_WAIT_MS = 5_000;
/** A guard against a server that ignores `page`: no real race has 500 pages of anything. */
const MAX_PAGES = 500;

export interface RunSignupClientOptions extends ChannelOptions {
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

function requireId(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RunSignupError({
      kind: 'rejected',
      message: `${what} must be a positive whole number.`,
    });
  }
  return value;
}

export class RunSignupClient implements ResultsPoster {
  readonly baseUrl: string;
  /** The authenticated calls; ECMAScript-private like every credential it holds. */
  readonly #channel: RunSignupChannel;
  readonly #options: RunSignupClientOptions;
  private readonly now: () => number;

  constructor(options: RunSignupClientOptions) {
    this.#options = { ...options };
    this.#channel = new RunSignupChannel(options);
    this.baseUrl = this.#channel.baseUrl;
    this.now = this.#channel.now;
  }

  private getJson(path: string, query: Record<string, string | number>, what: string) {
    return this.#channel.getJson(path, query, what);
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
    await this.#channel.post(
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
    const { decoded, response } = await this.#channel.call({
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
      if (failures.length > 0) throw this.#channel.scrub(rowFailuresError(failures));
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
      const err = this.#channel.scrub(e);
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
    return { baseUrl: this.baseUrl, auth: this.#channel.mode };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RunSignupClient { baseUrl: '${this.baseUrl}', auth: '${this.#channel.mode}' }`;
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
    await this.#channel.close();
  }
}
