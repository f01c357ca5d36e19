// The local RunSignup: a real HTTP server that follows RUNSIGNUP-API.md, including its unpleasant
// parts (errors at HTTP 200, XML by default), with switchable [assumed] behaviours, fault
// injection and a request log. The practice race is loaded at start.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_EMULATOR_ASSUMPTIONS, type EmulatorAssumptions } from '../assumptions';
import {
  Authenticator,
  practiceCredentials,
  SECRET_PARAMS,
  type PracticeCredentials,
} from './auth';
import { parseFormBody, queryObject } from './body';
import { ApiError, errorEnvelope, OAuthError } from './errors';
import {
  FaultPicker,
  HTML_ERROR_PAGE,
  strikesBeforeHandling,
  truncateBody,
  type FaultKind,
  type FaultPlan,
} from './faults';
import type { HandlerResult, RequestContext } from './handlers/context';
import { createPracticeRace, type PracticeRaceData } from './practice-race';
import { parseRequestFormat, parseRows, type PostedRow } from './request-rows';
import { CONTENT_TYPES, render, renderError, responseFormat, type ResponseFormat } from './respond';
import { route } from './router';
import { createRaceState, distanceOf, orderedRows, rowView } from './state';

export type { FaultKind, FaultPlan } from './faults';
export type { PracticeCredentials } from './auth';
export type { PracticeRaceData, PracticeRaceSize } from './practice-race';
export type { PostedRow } from './request-rows';
export { createPracticeRace } from './practice-race';
export { ALL_FAULT_KINDS } from './faults';
export { toCompact } from './time';

export interface PracticeEvent {
  eventId: number;
  name: string;
  distance: string;
  startTime: string;
  resultSets: { resultSetId: number; name: string; splits: { splitId: number; name: string }[] }[];
}
export interface PracticeRaceInfo {
  raceId: number;
  name: string;
  events: PracticeEvent[];
  credentials: PracticeCredentials;
  /** The practice API-caller registration, as the client takes it (`caller` option). */
  caller: { token: string; secret: string };
  participantCount: number;
}

export interface EmulatorOptions {
  host?: string;
  port?: number;
  seed?: number;
  assumptions?: Partial<EmulatorAssumptions>;
  faults?: FaultPlan;
  throttle?: { maxRequestsPerSecond: number } | null;
  /** A race to load instead of `createPracticeRace(seed)` (e.g. an event without result sets). */
  race?: PracticeRaceData;
  /** The clock for temporary-key expiry, "future" events and the `Date` header (tests move it). */
  now?: () => number;
  /**
   * A request whose answer a `reset` or `no-answer` fault loses is still applied, `latencyMs`
   * later (after the client gave up, so possibly after newer posts).
   */
  lateApply?: boolean;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  /** Query and form parameters, secrets redacted, `request` payloads left out (see `posted`). */
  query: Record<string, string>;
  status: number;
  errorCode: number | null;
  rows: number;
  fault: FaultKind | null;
  /** The API-caller registration the request carried (never its values). */
  caller: 'valid' | 'missing' | 'invalid';
  /** full-results: the rows as posted (parsed), in order. */
  posted?: PostedRow[];
  /** full-results: whether rows were saved (true even when the answer was then lost to a fault). */
  applied?: boolean;
}

export interface RunningEmulator {
  url: string;
  practice: PracticeRaceInfo;
  log: RequestLogEntry[];
  results(resultSetId: number): Array<Record<string, string | number | null>>;
  setFaults(plan: FaultPlan | null): void;
  setAssumptions(a: Partial<EmulatorAssumptions>): void;
  expireTemporaryKeys(): void;
  /** Every OAuth access token issued so far expires now (a month passed). */
  expireAccessTokens(): void;
  /**
   * The race director gives a registrant another bib on RunSignup (packet pickup swaps happen
   * after stations downloaded the list): from now on the old bib finds nobody.
   */
  changeBib(registrationId: number, bib: number): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

function practiceInfo(race: PracticeRaceData, credentials: PracticeCredentials): PracticeRaceInfo {
  return {
    raceId: race.raceId,
    name: race.name,
    events: race.events.map((e) => ({
      eventId: e.eventId,
      name: e.name,
      distance: e.distance,
      startTime: e.startTime,
      resultSets: e.resultSets.map((rs) => ({
        resultSetId: rs.resultSetId,
        name: rs.name,
        splits: rs.splits.map((s) => ({ splitId: s.splitId, name: s.name })),
      })),
    })),
    credentials,
    caller: { token: credentials.callerToken, secret: credentials.callerSecret },
    participantCount: race.participants.length,
  };
}

/** Best effort: the rows of a full-results post, or null when the body does not parse. */
function peekPostedRows(
  contentType: string | undefined,
  query: Record<string, string>,
  body: string,
): PostedRow[] | null {
  const form = parseFormBody(contentType, body);
  if (form instanceof ApiError || form.request === undefined) return null;
  const format = parseRequestFormat(form.request_format ?? query.request_format);
  if (format instanceof ApiError) return null;
  const rows = parseRows(form.request, format);
  return rows instanceof ApiError ? null : rows;
}

function redact(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'request') continue; // payloads go to `posted`, parsed
    out[k] = SECRET_PARAMS.has(k.toLowerCase()) ? '[redacted]' : v;
  }
  return out;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed = options.seed ?? 1;
  const race = options.race ?? createPracticeRace(seed);
  const credentials = practiceCredentials(seed);
  const now = options.now ?? Date.now;
  const state = createRaceState(race);
  const auth = new Authenticator(credentials, now);
  let assumptions: EmulatorAssumptions = {
    ...DEFAULT_EMULATOR_ASSUMPTIONS,
    ...options.assumptions,
  };
  let faults = new FaultPicker(options.faults ?? null);
  const throttle = options.throttle ?? null;
  if (throttle && !(throttle.maxRequestsPerSecond > 0)) {
    throw new Error('throttle.maxRequestsPerSecond must be positive');
  }
  const recent: number[] = []; // arrival times within the last second, for throttling
  const log: RequestLogEntry[] = [];
  const held = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  const send = (
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string,
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      // The server's clock is the emulator's `now` (tests skew it to check clock offsets).
      Date: new Date(now()).toUTCString(),
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
      ...extra,
    });
    res.end(body);
  };

  /** Throttled, as the assumption says: error 14 at HTTP 200, or HTTP 429 with the same envelope. */
  const sendThrottled = (res: ServerResponse, format: ResponseFormat): { status: number } => {
    const status = assumptions.throttle === 'http-429' ? 429 : 200;
    const extra: Record<string, string> =
      assumptions.retryAfterSeconds === null
        ? {}
        : { 'Retry-After': String(assumptions.retryAfterSeconds) };
    send(res, status, CONTENT_TYPES[format], renderError(new ApiError(14), format), extra);
    return { status };
  };

  const hold = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      held.delete(t);
      fn();
    }, ms);
    held.add(t);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const at = now();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const query = queryObject(url.searchParams);
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = {
      at,
      method,
      path: url.pathname,
      query: redact(query),
      status: 0,
      errorCode: null,
      rows: 0,
      fault: null,
      caller: auth.callerStatus({ query, headers: req.headers }),
    };
    log.push(entry);
    const formatOrError = responseFormat(query.format);
    const format: ResponseFormat = formatOrError instanceof ApiError ? 'xml' : formatOrError;

    const fault = faults.next(url.pathname);
    entry.fault = fault;
    if (fault === 'latency') {
      await new Promise<void>((resolve) => hold(faults.latencyMs, resolve));
      if (closed) return;
    }
    // A request refused before handling still logs what it carried (never applied), so tests
    // can check the order of values a client posted, lost answers included.
    const noteRefusedPost = () => {
      const peeked =
        method === 'POST' ? peekPostedRows(req.headers['content-type'], query, body) : null;
      if (peeked) {
        entry.posted = peeked;
        entry.applied = false;
        entry.rows = peeked.length;
      }
    };
    const lateApply = options.lateApply === true;
    if (
      fault &&
      strikesBeforeHandling(fault) &&
      !(lateApply && (fault === 'reset' || fault === 'no-answer'))
    ) {
      noteRefusedPost();
      switch (fault) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'no-answer':
          hold(faults.noAnswerMs, () => req.socket.destroy());
          return;
        case 'http-500':
        case 'http-503':
          entry.status = fault === 'http-500' ? 500 : 503;
          send(
            res,
            entry.status,
            'text/html; charset=utf-8',
            `<html><body><h1>${entry.status} ${entry.status === 500 ? 'Internal Server Error' : 'Service Unavailable'}</h1></body></html>`,
          );
          return;
        case 'html':
          entry.status = 200;
          send(res, 200, 'text/html; charset=utf-8', HTML_ERROR_PAGE);
          return;
        case 'throttle':
          entry.errorCode = 14;
          entry.status = sendThrottled(res, format).status;
          return;
      }
    }
    if (throttle) {
      while (recent.length > 0 && recent[0]! <= at - 1000) recent.shift();
      if (recent.length >= throttle.maxRequestsPerSecond) {
        noteRefusedPost();
        entry.errorCode = 14;
        entry.status = sendThrottled(res, format).status;
        return;
      }
      recent.push(at);
    }

    /** Handles the request against the race state: an answer to send, or an error envelope. */
    const handleNow = (): HandlerResult => {
      try {
        if (formatOrError instanceof ApiError) throw formatOrError;
        let params = { ...query };
        if (method === 'POST') {
          const form = parseFormBody(req.headers['content-type'], body);
          if (form instanceof ApiError) throw form;
          params = { ...params, ...form };
          entry.query = redact(params);
        }
        // The caller registration comes first: RunSignup refuses an unregistered caller (17,
        // HTTP 400) whatever it asked for, the login call included.
        auth.checkCaller(
          { query, headers: req.headers },
          assumptions.callerRegistration ?? 'required',
        );
        const match = route(method, url.pathname);
        if (match.handler === 'login') {
          const keys = auth.login(params.email, params.password);
          return {
            payload: {
              ...keys,
              user: {
                user_id: 1,
                first_name: 'Practice',
                last_name: 'Timer',
                email: credentials.email,
              },
            },
            rows: 0,
          };
        }
        if (match.handler === 'refresh-token') {
          return {
            payload: auth.refreshGrant(params, assumptions.refreshTokenReuse ?? 'rotates'),
            rows: 0,
          };
        }
        const principal = auth.authenticate(
          { query, headers: req.headers },
          assumptions.bearerRefused ?? 'error-6',
        );
        const ctx: RequestContext = {
          method,
          params,
          pathIds: match.pathIds,
          principal,
          state,
          auth,
          assumptions,
          now,
        };
        return match.handler(ctx);
      } catch (e) {
        if (!(e instanceof ApiError)) {
          console.error('emulator: handler failed', e);
        }
        const err = e instanceof ApiError ? e : new ApiError(4, 'Unknown error.');
        return { payload: null, rows: 0, error: err };
      }
    };
    const note = (result: HandlerResult) => {
      if (result.posted) entry.posted = result.posted;
      if (result.applied !== undefined) entry.applied = result.applied;
      entry.rows = result.rows;
    };

    if (lateApply && (fault === 'reset' || fault === 'no-answer')) {
      // The answer is lost, but the request is still applied, later (after the client gave up)
      // and so possibly after newer posts: the outage RunSignup's slow path can produce.
      noteRefusedPost();
      if (fault === 'reset') req.socket.destroy();
      else hold(faults.noAnswerMs, () => req.socket.destroy());
      hold(faults.latencyMs, () => note(handleNow()));
      return;
    }
    const result = handleNow();
    note(result);

    if (fault === 'reset-after-apply') {
      req.socket.destroy();
      return;
    }
    let status = 200;
    let text: string;
    if (result.error) {
      entry.errorCode = result.error instanceof OAuthError ? null : result.error.code;
      status = result.error.httpStatus;
      text = render(errorEnvelope(result.error), format);
    } else {
      text = result.emptyBody ? '' : render(result.payload, format);
    }
    if (fault === 'truncated') text = truncateBody(text);
    entry.status = status;
    send(res, status, CONTENT_TYPES[format], text);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooBig) {
        send(
          res,
          413,
          CONTENT_TYPES.json,
          JSON.stringify(
            errorEnvelope(new ApiError(3, 'Invalid parameters: request body too large.')),
          ),
        );
        return;
      }
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: unknown) => {
        console.error('emulator: request failed', e);
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'emulator failure');
      });
    });
    req.on('error', () => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/Rest`,
    practice: practiceInfo(race, credentials),
    log,
    results(resultSetId) {
      const set = state.sets.get(resultSetId);
      if (!set) throw new Error(`no result set ${resultSetId} in the emulator`);
      const miles = distanceOf(state, set.eventId);
      return orderedRows(set).map((r) => rowView(set, r, miles));
    },
    setFaults(plan) {
      faults = new FaultPicker(plan);
    },
    setAssumptions(a) {
      assumptions = { ...assumptions, ...a };
    },
    expireAccessTokens() {
      auth.expireAccessTokens();
    },
    expireTemporaryKeys() {
      auth.expireTemporaryKeys();
    },
    changeBib(registrationId, bib) {
      for (const index of state.events.values()) {
        const p = index.byRegistration.get(registrationId);
        if (!p) continue;
        if (index.byBib.has(bib)) throw new Error(`bib ${bib} is taken in event ${p.eventId}`);
        if (p.bib !== null) index.byBib.delete(p.bib);
        p.bib = bib;
        index.byBib.set(bib, p);
        return;
      }
      throw new Error(`no registration ${registrationId} in the emulator`);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of held) clearTimeout(t);
      held.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}
