// The status bar's words. Pure: the sync status, the link to the station and the clock in,
// a tone and short sentences out.
import type { SyncState, SyncStatus } from '../../src-shared/station-api';
import { formatAgo } from './format';

export type LinkState = 'connecting' | 'open' | 'closed';
export type Tone = 'ok' | 'warn' | 'error';

export interface StatusView {
  tone: Tone;
  online: string;
  counts: string;
  lastSuccess: string;
  problem: string | null;
}

export function describeStatus(sync: SyncStatus | null, link: LinkState, now: number): StatusView {
  if (link !== 'open') {
    return {
      tone: 'error',
      online: link === 'connecting' ? 'Connecting to station…' : 'Station link lost',
      counts: sync ? `${sync.pending} pending · ${sync.inFlight} in flight` : '',
      lastSuccess: '',
      problem:
        link === 'closed'
          ? 'The screen lost its link to the station; reconnecting. Entries already saved are safe.'
          : null,
    };
  }
  if (!sync) {
    return { tone: 'warn', online: 'Loading…', counts: '', lastSuccess: '', problem: null };
  }
  const slow = slowness(sync, now);
  const problem =
    sync.stalled ??
    slow ??
    (sync.lastError && (sync.pending > 0 || !sync.online)
      ? `Retrying: ${sync.lastError}${sync.nextRetryAt ? ` (next try ${formatIn(sync.nextRetryAt, now)})` : ''}`
      : null);
  const conflicts = sync.conflicts ?? 0;
  const tone: Tone = sync.stalled
    ? 'error'
    : !sync.online || sync.attention > 0 || conflicts > 0 || slow !== null
      ? 'warn'
      : 'ok';
  return {
    tone,
    online: onlineLabel(sync),
    counts:
      (sync.runners
        ? runnerCounts(sync.runners)
        : `${sync.pending} pending · ${sync.inFlight} in flight`) +
      (sync.attention > 0 ? ` · ${sync.attention} need attention` : ''),
    lastSuccess:
      sync.lastSuccessAt === null
        ? 'Nothing sent yet'
        : `Last sent ${formatAgo(sync.lastSuccessAt, now)}`,
    problem,
  };
}

/**
 * "Offline" only once a request really failed: before the first answer the station is still
 * getting in touch; a request that hangs is RunSignup being slow, said as such.
 */
function onlineLabel(sync: SyncStatus): string {
  if (sync.online) return 'Online';
  if (sync.slowSince) return 'RunSignup slow';
  if (sync.lastError !== null || sync.stalled !== null) return 'Offline';
  return 'Not in touch with RunSignup yet';
}

/** Requests hang (no answer for a while, or several timed out): for how long, in words. */
export function slowness(sync: SyncStatus, now: number): string | null {
  const since = sync.slowSince ?? null;
  const waiting = sync.inFlight > 0 ? (sync.waitingSince ?? null) : null;
  const from = since ?? (waiting !== null && now - waiting >= SLOW_AFTER_MS ? waiting : null);
  if (from === null) return null;
  return (
    `RunSignup is slow: no answer for ${formatFor(now - from)}. Still trying; every entry is ` +
    'saved here, and what may have reached RunSignup is checked by a read-back.'
  );
}

/** A request without an answer this long is called slow (the status bar ticks every second). */
const SLOW_AFTER_MS = 3_000;

function formatFor(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Runners, not fields: a runner counts once, in the least settled state of its fields. */
export function runnerCounts(r: NonNullable<SyncStatus['runners']>): string {
  const parts = [
    r.saved > 0 ? `${r.saved} saved` : null,
    r.sending > 0 ? `${r.sending} sending` : null,
    r.sent > 0 ? `${r.sent} sent` : null,
    `${r.verified} verified ✓`,
    r.conflict > 0 ? `${r.conflict} conflict${r.conflict === 1 ? '' : 's'}` : null,
  ];
  const total = r.saved + r.sending + r.sent + r.verified + r.conflict;
  return `${total} runner${total === 1 ? '' : 's'}: ${parts.filter((p) => p !== null).join(' · ')}`;
}

/** When RunSignup was last read back and compared, for the Results screen. */
export function lastChecked(sync: SyncStatus | null, now: number): string {
  const at = sync?.lastAuditAt ?? null;
  if (at === null) return 'RunSignup not checked yet: results are read back once posting is quiet.';
  return `RunSignup last checked ${formatAgo(at, now)}${sync?.lastAudit ? `: ${sync.lastAudit}` : ''}.`;
}

function formatIn(at: number, now: number): string {
  const s = Math.max(0, Math.ceil((at - now) / 1000));
  return s === 0 ? 'now' : `in ${s} s`;
}

export const SYNC_LABELS: Record<SyncState, string> = {
  saved: 'saved',
  sending: 'sending…',
  sent: 'sent',
  verified: 'verified ✓',
  conflict: 'conflict!',
  verify: 'verify on RunSignup',
  attention: 'attention!',
  unposted: 'local only',
};
