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
  const problem =
    sync.stalled ??
    (sync.lastError && (sync.pending > 0 || !sync.online)
      ? `Retrying: ${sync.lastError}${sync.nextRetryAt ? ` (next try ${formatIn(sync.nextRetryAt, now)})` : ''}`
      : null);
  const tone: Tone = sync.stalled ? 'error' : !sync.online || sync.attention > 0 ? 'warn' : 'ok';
  return {
    tone,
    online: sync.online ? 'Online' : 'Offline',
    counts:
      `${sync.pending} pending · ${sync.inFlight} in flight` +
      (sync.attention > 0 ? ` · ${sync.attention} need attention` : ''),
    lastSuccess:
      sync.lastSuccessAt === null
        ? 'Nothing sent yet'
        : `Last sent ${formatAgo(sync.lastSuccessAt, now)}`,
    problem,
  };
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
