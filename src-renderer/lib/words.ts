// What a crossing row says in words, never in codes: the Status column, the time a waiting
// crossing shows, and the sentence for a cleared runner. Pure.
import type { CrossingView, Snapshot, Warning } from '../../src-shared/station-api';
import { formatElapsed, formatTimeOfDay } from './format';

export const FLAG_WORDS: Record<Warning['code'], string> = {
  'unknown-bib': 'unknown bib',
  'other-event': 'bib of another event',
  'already-recorded': 'recorded twice',
  'no-gun': 'no gun yet',
  unreadable: 'unreadable bib',
  'clock-offset': 'clock offset',
  'before-gun': 'before the gun',
  'time-too-long': 'time too long (wrong gun?)',
  'gun-conflict': 'gun differs from RunSignup',
  'station-archived': 'station archived',
  'station-restored': 'backup restored',
};

const STATUS_WORDS: Record<NonNullable<CrossingView['status']>, string> = {
  DQ: 'DQ (disqualified)',
  DNF: 'DNF (did not finish)',
  DNS: 'DNS (did not start)',
  DNQ: 'DNQ (did not qualify)',
};

/**
 * A cleared runner: whether RunSignup shows the clear yet. `sync` is the clear's own state:
 * verify while the read-back is due, attention if RunSignup refused it.
 */
export function clearedWords(sync: CrossingView['sync']): string {
  switch (sync) {
    case 'attention':
      return 'cleared (X) here, RunSignup refused it';
    case 'conflict':
      return 'cleared (X) here, RunSignup shows another value';
    case 'verified':
    case 'sent':
    case 'unposted':
      // A cleared crossing with nothing left to post: RunSignup shows the clear.
      return 'cleared (X) on RunSignup';
    default:
      return 'cleared (X), RunSignup not yet checked';
  }
}

/** The Status column: the runner's status, then what is wrong with the crossing, in words. */
export function statusWords(c: CrossingView): string {
  const parts: string[] = [];
  if (c.voided) parts.push('voided');
  if (c.cleared) parts.push(clearedWords(c.sync));
  if (c.status) parts.push(STATUS_WORDS[c.status]);
  for (const f of c.flags) if (f !== 'no-gun') parts.push(FLAG_WORDS[f]);
  return parts.join(', ');
}

/**
 * The time a row shows. A crossing with a bib has its event's time from the station; one still
 * waiting for a bib has no event yet, so it shows its time from the earliest gun (marked ≈: the
 * bib's event decides the final time), else its time of day on the race's clock (`zone`).
 */
export function rowTime(
  c: CrossingView,
  guns: Snapshot['guns'],
  offsetMs: number,
  zone: string | null,
): string {
  if (c.time !== null) return c.time;
  if (c.bib !== null) return c.flags.includes('no-gun') ? 'no gun' : '';
  const fired = guns.map((g) => g.at).filter((a): a is number => a !== null);
  if (fired.length === 0) return formatTimeOfDay(c.at, 1, zone);
  return `≈${formatElapsed(c.at - Math.min(...fired) + offsetMs, 1)}`;
}
