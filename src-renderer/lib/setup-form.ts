// Turns the setup screen's form into `connect` and `configure` commands. Pure, so every way a
// volunteer can fill the form wrongly gets a sentence, not an exception.
import type { StationRole, TimePrecision } from '../../src-shared/domain';
import type { Command, Connection, RaceDetails } from '../../src-shared/station-api';

export const RUNSIGNUP_URL = 'https://api.runsignup.com/rest';
export const RUNSIGNUP_TEST_URL = 'https://test.runsignup.com/Rest';

export type HostChoice = 'practice' | 'runsignup' | 'runsignup-test' | 'custom';
export type AuthChoice = 'api-key' | 'v2-key' | 'login' | 'bearer';

export interface ConnectionForm {
  host: HostChoice;
  customUrl: string;
  auth: AuthChoice;
  apiKey: string;
  apiSecret: string;
  email: string;
  password: string;
  /** OAuth: the access token, and (both or neither) what renews it when it expires. */
  accessToken: string;
  refreshToken: string;
  clientId: string;
  /** The app's API-caller registration (RunSignup requires it from 2027-01-01): both or neither. */
  callerToken: string;
  callerSecret: string;
}

/** Said beside the two caller fields and in the README. */
export const CALLER_REGISTRATION_HINT =
  'API caller token and secret: from the API Keys page of your RunSignup account ' +
  '(RunSignup requires them on every call from 1 January 2027).';

/** Said beside the refresh token: without it an expired access token pauses posting. */
export const BEARER_RENEWAL_HINT =
  'An OAuth access token lasts a month. With the refresh token and your OAuth client id, ' +
  'the station renews it by itself; without them, posting pauses when it expires.';

export const EMPTY_CONNECTION_FORM: ConnectionForm = {
  host: 'practice',
  customUrl: '',
  auth: 'api-key',
  apiKey: '',
  apiSecret: '',
  email: '',
  password: '',
  accessToken: '',
  refreshToken: '',
  clientId: '',
  callerToken: '',
  callerSecret: '',
};

export type Built<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function baseUrlFor(form: ConnectionForm): Built<string> {
  if (form.host === 'runsignup') return { ok: true, value: RUNSIGNUP_URL };
  if (form.host === 'runsignup-test') return { ok: true, value: RUNSIGNUP_TEST_URL };
  const url = form.customUrl.trim();
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return { ok: false, errors: ['The custom URL must start with http:// or https://'] };
    }
    return { ok: true, value: url.replace(/\/+$/, '') };
  } catch {
    return {
      ok: false,
      errors: ['Type the custom URL in full, e.g. http://127.0.0.1:8080/Rest'],
    };
  }
}

export function buildConnection(form: ConnectionForm): Built<Connection> {
  if (form.host === 'practice') return { ok: true, value: { auth: 'practice' } };
  const base = baseUrlFor(form);
  if (!base.ok) return base;
  const errors: string[] = [];
  const need = (value: string, what: string): string => {
    const v = value.trim();
    if (v === '') errors.push(`${what} is required`);
    return v;
  };
  let connection: Exclude<Connection, { auth: 'practice' }>;
  if (form.auth === 'login') {
    const email = need(form.email, 'Email');
    // Passwords are taken as typed: spaces may be part of them.
    if (form.password === '') errors.push('Password is required');
    connection = { auth: 'login', baseUrl: base.value, email, password: form.password };
  } else if (form.auth === 'bearer') {
    const token = need(form.accessToken, 'OAuth access token');
    connection = { auth: 'bearer', baseUrl: base.value, token };
    const refreshToken = form.refreshToken.trim();
    const clientId = form.clientId.trim();
    if ((refreshToken === '') !== (clientId === '')) {
      errors.push('Give both the refresh token and the OAuth client id, or neither');
    } else if (refreshToken !== '') connection = { ...connection, refreshToken, clientId };
  } else {
    const apiKey = need(form.apiKey, 'API key');
    const apiSecret = need(form.apiSecret, 'API secret');
    connection = { auth: form.auth, baseUrl: base.value, apiKey, apiSecret };
  }
  const callerToken = form.callerToken.trim();
  const callerSecret = form.callerSecret.trim();
  if ((callerToken === '') !== (callerSecret === '')) {
    errors.push('Give both the API caller token and its secret, or neither');
  } else if (callerToken !== '') connection = { ...connection, callerToken, callerSecret };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: connection };
}

export interface RaceForm {
  raceId: number | null;
  /** eventId → chosen result set id (absent = not timed by this station). */
  events: Record<number, number | null>;
  /** 'finish' or the split's name (the same name is matched per event). */
  role: string;
  stationName: string;
  precision: TimePrecision;
  /**
   * The race's time zone for start times when RunSignup's race data gives none ('' = the one
   * the station already has, else the laptop's). RunSignup's own zone always wins.
   */
  timeZone?: string;
}

/** The split names a race offers, each with the split id per event that has it. */
export function splitChoices(
  details: RaceDetails,
  eventIds: readonly number[],
): Array<{ name: string; splits: Array<{ eventId: number; splitId: number }> }> {
  const byName = new Map<string, Array<{ eventId: number; splitId: number }>>();
  for (const ev of details.events) {
    if (!eventIds.includes(ev.eventId)) continue;
    for (const sp of ev.splits) {
      const list = byName.get(sp.name) ?? [];
      if (!list.some((s) => s.eventId === ev.eventId)) {
        list.push({ eventId: ev.eventId, splitId: sp.splitId });
      }
      byName.set(sp.name, list);
    }
  }
  return [...byName.entries()].map(([name, splits]) => ({ name, splits }));
}

export function buildConfigure(form: RaceForm, details: RaceDetails | null): Built<Command> {
  const errors: string[] = [];
  if (form.raceId === null || details === null) errors.push('Pick a race');
  const chosen = Object.entries(form.events)
    .filter(([, rs]) => rs !== undefined)
    .map(([id, rs]) => ({ eventId: Number(id), resultSetId: rs }));
  if (chosen.length === 0) errors.push('Pick at least one event');
  const missingSet = chosen.filter((c) => c.resultSetId === null);
  for (const c of missingSet) {
    const name = details?.events.find((e) => e.eventId === c.eventId)?.name ?? c.eventId;
    errors.push(`Pick a result set for ${name}`);
  }
  const stationName = form.stationName.trim();
  if (stationName === '') errors.push('Name this station (e.g. "Finish A")');
  if (stationName.length > 60) errors.push('The station name is longer than 60 characters');
  let eventIds = chosen.map((c) => c.eventId);
  let role: StationRole = { kind: 'finish' };
  if (form.role !== 'finish' && details) {
    const split = splitChoices(details, eventIds).find((s) => s.name === form.role);
    if (!split) errors.push(`None of the chosen events has a split named "${form.role}"`);
    else {
      role = { kind: 'split', name: split.name, splits: split.splits };
      // A split point serves only the events that pass it: the others have nothing to post here.
      const served = new Set(split.splits.map((sp) => sp.eventId));
      eventIds = eventIds.filter((id) => served.has(id));
    }
  }
  if (errors.length > 0 || form.raceId === null) return { ok: false, errors };
  const sets = chosen.filter((c) => eventIds.includes(c.eventId));
  return {
    ok: true,
    value: {
      type: 'configure',
      raceId: form.raceId,
      eventIds,
      role,
      stationName,
      precision: form.precision,
      ...(form.timeZone?.trim() && !details?.timeZone ? { timeZone: form.timeZone.trim() } : {}),
      resultSets: sets.map((c) => ({ eventId: c.eventId, resultSetId: c.resultSetId ?? 0 })),
    },
  };
}
