// Raw HTTP helpers for the emulator tests (undici `request`, not the Chute client: these tests
// pin down the wire behaviour the client is written against).
import { request } from 'undici';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export type Auth =
  | 'api-key'
  | 'none'
  | 'no-access'
  | { query?: Record<string, string>; headers?: Record<string, string> };

export interface CallOptions {
  query?: Record<string, string | number>;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  auth?: Auth;
  /** The API-caller registration: the practice one unless told (`'none'`: sent without). */
  caller?: 'practice' | 'none' | { token?: string; secret?: string };
  format?: 'json' | 'xml' | null;
}

function callerParts(
  emu: RunningEmulator,
  caller: NonNullable<CallOptions['caller']>,
): { query: Record<string, string>; headers: Record<string, string> } {
  const c = caller === 'practice' ? emu.practice.caller : caller === 'none' ? {} : caller;
  return {
    query: c.token === undefined ? {} : { rsu_api_reg: c.token },
    headers: c.secret === undefined ? {} : { 'x-rsu-api-reg-secret': c.secret },
  };
}

function authParts(
  emu: RunningEmulator,
  auth: Auth,
): { query: Record<string, string>; headers: Record<string, string> } {
  const c = emu.practice.credentials;
  if (auth === 'none') return { query: {}, headers: {} };
  if (auth === 'api-key')
    return { query: { api_key: c.apiKey, api_secret: c.apiSecret }, headers: {} };
  if (auth === 'no-access')
    return { query: { api_key: c.noAccessApiKey, api_secret: c.noAccessApiSecret }, headers: {} };
  return { query: auth.query ?? {}, headers: auth.headers ?? {} };
}

export async function call(
  emu: RunningEmulator,
  method: 'GET' | 'POST',
  path: string,
  opts: CallOptions = {},
): Promise<Reply> {
  const a = authParts(emu, opts.auth ?? 'api-key');
  const caller = callerParts(emu, opts.caller ?? 'practice');
  const query = new URLSearchParams();
  const format = opts.format === undefined ? 'json' : opts.format;
  if (format) query.set('format', format);
  for (const [k, v] of Object.entries({ ...caller.query, ...a.query, ...opts.query }))
    query.set(k, String(v));
  const headers: Record<string, string> = { ...caller.headers, ...a.headers, ...opts.headers };
  let body: string | undefined = opts.body;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await request(`${emu.url}${path}?${query.toString()}`, { method, headers, body });
  const text = await res.body.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

export function errorOf(reply: Reply): { error_code: number; error_msg: string } | null {
  const e = (reply.json as { error?: { error_code: number; error_msg: string } } | undefined)
    ?.error;
  return e ?? null;
}

/** Ids of the practice race, by role. */
export function ids(emu: RunningEmulator) {
  const [fiveK, tenK] = emu.practice.events;
  if (!fiveK || !tenK) throw new Error('practice race must have two events');
  return {
    raceId: emu.practice.raceId,
    fiveK: fiveK.eventId,
    tenK: tenK.eventId,
    fiveKSet: fiveK.resultSets[0]!.resultSetId,
    tenKSet: tenK.resultSets[0]!.resultSetId,
    mile1: fiveK.resultSets[0]!.splits[0]!.splitId,
    tenKSplits: tenK.resultSets[0]!.splits.map((s) => s.splitId),
  };
}

/** Posts rows as JSON to full-results of the 5K (or the given event/set). */
export async function postRows(
  emu: RunningEmulator,
  rows: Array<Record<string, string | number | null>>,
  opts: {
    eventId?: number;
    resultSetId?: number | null;
    extra?: Record<string, string>;
    format?: 'json' | 'xml';
  } = {},
): Promise<Reply> {
  const i = ids(emu);
  const query: Record<string, string | number> = { event_id: opts.eventId ?? i.fiveK };
  const setId = opts.resultSetId === undefined ? i.fiveKSet : opts.resultSetId;
  if (setId !== null) query.individual_result_set_id = setId;
  return call(emu, 'POST', `/race/${i.raceId}/results/full-results`, {
    query,
    form: { request_format: 'json', request: JSON.stringify({ results: rows }), ...opts.extra },
    format: opts.format ?? 'json',
  });
}

export function rowByBib(emu: RunningEmulator, resultSetId: number, bib: number) {
  return emu.results(resultSetId).find((r) => r.bib === bib);
}

export async function withEmulator<T>(
  opts: EmulatorOptions,
  fn: (emu: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emu = await startEmulator(opts);
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}
