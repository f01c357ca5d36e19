// What the screens see, derived from the projection and the outbox: pure functions of their
// inputs, so they are easy to test and cost nothing when nobody looks.
import type { JournalEntry, Participant, StationConfig } from '../../src-shared/domain';
import { formatElapsed } from '../../src-shared/time';
import type { CrossingView, ResultRow, SyncState, Warning } from '../../src-shared/station-api';
import type { FieldSyncState } from './store/outbox-store';
import { CROSSING_FLAG_MESSAGES, type Crossing, type CrossingFlag } from './projection';
import type { EventPlan } from './projection/rules';
import { toCsv } from '../../src-shared/csv';

export function flagWarnings(flags: readonly CrossingFlag[]): Warning[] {
  return flags.map((code) => ({ code, message: CROSSING_FLAG_MESSAGES[code] }));
}

/** Looks up the outbox state of one field of a bib in an event's plan. */
export type FieldLookup = (plan: EventPlan, bib: number, field: string) => FieldSyncState | null;

export const VERIFY_REASON =
  'Verify on RunSignup: "X" was accepted, the read-back is still to come';
export const WAITING_FOR_TIME = 'Waiting for the gun: no time to send yet';

/** Why a conflicting field is not posted: the timer decides on the Review screen. */
export function conflictReason(field: string, shown: string | null): string {
  const what = shown === null || shown === '' ? 'nothing' : `"${shown}"`;
  return (
    `RunSignup shows ${what} in ${field}, which this station never sent: ` +
    "keep RunSignup's or this station's on the Review screen"
  );
}

export const UNCERTAIN_REASON =
  "RunSignup's answer to a post was lost: a read of RunSignup will confirm it";

/**
 * Where a bib's fields stand with RunSignup: the worst of its fields wins (attention, conflict,
 * saved, sending, verify, sent, then verified). A bib whose time field is not wanted is never
 * "sent": its finish is not on RunSignup yet (waiting for the gun), whatever an earlier place's
 * ack says.
 */
export function syncOfBib(
  plan: EventPlan,
  bib: number,
  lookup: FieldLookup,
): { sync: SyncState; reason: string | null } {
  const fields = plan.placeField ? [plan.placeField, plan.timeField] : [plan.timeField];
  let anyWanted = false;
  let saved = false;
  let sending = false;
  let uncertain = false;
  let verify = false;
  let unverified = false;
  let conflict: string | null = null;
  let timeWanted = false;
  for (const field of fields) {
    const s = lookup(plan, bib, field);
    if (!s) continue;
    if (s.conflictVersion !== null && s.conflictVersion === s.wantedVersion) {
      conflict ??= conflictReason(field, s.conflictValue);
    }
    if (s.wantedValue === null) continue;
    anyWanted = true;
    if (field === plan.timeField) timeWanted = true;
    if (s.yieldedVersion !== null && s.yieldedVersion === s.wantedVersion) continue;
    if (s.ackedVersion >= s.wantedVersion) {
      if (s.verifyVersion === s.wantedVersion) verify = true;
      else if (s.uncertainAt !== null && s.verifiedVersion !== s.wantedVersion) uncertain = true;
      else if (s.verifiedVersion !== s.wantedVersion) unverified = true;
      continue;
    }
    if (s.attentionVersion === s.wantedVersion) {
      return { sync: 'attention', reason: s.attentionReason ?? 'RunSignup rejected this row' };
    }
    if (s.sentVersion >= s.wantedVersion) sending = true;
    else saved = true;
  }
  if (conflict) return { sync: 'conflict', reason: conflict };
  if (!anyWanted) return { sync: 'unposted', reason: 'Nothing to send yet' };
  if (saved) return { sync: 'saved', reason: timeWanted ? null : WAITING_FOR_TIME };
  if (sending || uncertain) {
    const reason = !timeWanted ? WAITING_FOR_TIME : uncertain ? UNCERTAIN_REASON : null;
    return { sync: 'sending', reason };
  }
  if (verify) return { sync: 'verify', reason: VERIFY_REASON };
  if (!timeWanted) return { sync: 'saved', reason: WAITING_FOR_TIME };
  return unverified ? { sync: 'sent', reason: null } : { sync: 'verified', reason: null };
}

const BLOCKING: readonly CrossingFlag[] = ['unknown-bib', 'other-event', 'already-recorded'];

export function crossingView(
  c: Crossing,
  ctx: {
    participant: Participant | undefined;
    eventName: string | null;
    plan: EventPlan | undefined;
    lookup: FieldLookup;
  },
): CrossingView {
  let sync: SyncState = 'unposted';
  let reason: string | null = null;
  const blocking = c.flags.find((f) => BLOCKING.includes(f) || f === 'unreadable');
  // A voided crossing posts nothing itself: its bib's state shows on the bib's crossing in force
  // (and the status bar), so a struck row never shows a sync state that goes stale.
  if (c.voided) reason = 'Voided: this crossing posts nothing';
  else if (c.bib === null) reason = c.unreadable ? CROSSING_FLAG_MESSAGES.unreadable : 'No bib yet';
  else if (c.cleared) {
    reason = 'Bib cleared after this crossing';
    // The clear's own state: saved or sending until RunSignup took the X, verify until a read
    // shows it cleared, attention or conflict when RunSignup refused it or shows another value;
    // once done, nothing is left to post for this crossing (unposted).
    const s = ctx.plan ? syncOfBib(ctx.plan, c.bib, ctx.lookup) : null;
    if (s && s.sync !== 'sent' && s.sync !== 'verified' && s.sync !== 'unposted') {
      sync = s.sync;
      reason = s.reason ?? reason;
    }
  } else if (blocking) reason = CROSSING_FLAG_MESSAGES[blocking];
  else if (ctx.plan) {
    const s = syncOfBib(ctx.plan, c.bib, ctx.lookup);
    sync = s.sync;
    // Nothing sent, or waiting for a time: the crossing's own flag says why (no gun…).
    const waiting = s.sync === 'unposted' || s.reason === WAITING_FOR_TIME;
    reason = waiting && c.flags[0] ? CROSSING_FLAG_MESSAGES[c.flags[0]] : s.reason;
  }
  return {
    tapSeq: c.tapSeq,
    at: c.at,
    bib: c.bib,
    unreadable: c.unreadable,
    name: ctx.participant
      ? `${ctx.participant.firstName} ${ctx.participant.lastName}`.trim()
      : null,
    eventId: c.eventId,
    eventName: ctx.eventName,
    place: c.place,
    time: c.time,
    status: c.status,
    flags: [...c.flags],
    sync,
    syncReason: reason,
    ...(c.voided ? { voided: true } : {}),
    ...(c.cleared ? { cleared: true } : {}),
  };
}

function clock(at: number): string {
  // UTC wall-clock of the key event: the audit trail must read the same on every machine.
  return new Date(at).toISOString().slice(11, 23);
}

/** One line of the audit view. */
export function summarizeEntry(
  e: JournalEntry,
  active: boolean,
  config: StationConfig | null,
): string {
  const p = e.payload;
  let s: string;
  switch (p.kind) {
    case 'tap':
      s = `Crossing at ${clock(p.at)}${p.bib !== null ? `, bib ${p.bib}` : p.unreadable ? ', unreadable bib' : ', time only'}`;
      break;
    case 'assign':
      s =
        p.bib === null
          ? `Bib taken off crossing ${p.tapSeq}`
          : `Bib ${p.bib} given to crossing ${p.tapSeq}`;
      break;
    case 'adjust':
      s = `Crossing ${p.tapSeq} moved to ${clock(p.at)}`;
      break;
    case 'void':
      s = `Crossing ${p.tapSeq} removed`;
      break;
    case 'status':
      s = p.status === null ? `Status of bib ${p.bib} lifted` : `Bib ${p.bib} marked ${p.status}`;
      break;
    case 'clear':
      s = `Bib ${p.bib} cleared on RunSignup`;
      break;
    case 'gun': {
      const name =
        config?.events.find((ev) => ev.eventId === p.eventId)?.name ?? `event ${p.eventId}`;
      s = `Gun for ${name} at ${clock(p.at)}${p.source === 'runsignup' ? ' (from RunSignup)' : ''}`;
      break;
    }
    case 'offset':
      s = `Clock offset set to ${p.ms >= 0 ? '+' : '−'}${formatElapsed(Math.abs(p.ms), 3)}`;
      break;
    case 'undo':
      s = `Undid entry ${p.targetSeq}`;
      break;
    case 'shift':
      s = `Shifted bibs of crossings ${p.fromTapSeq}–${p.toTapSeq} one crossing ${p.direction}`;
      break;
    case 'order':
      s = `Bib ${p.bib} in crossing order`;
      break;
  }
  return active ? s : `${s} (undone)`;
}

export function sortResults(rows: ResultRow[]): ResultRow[] {
  return rows.sort((a, b) => {
    if (a.place !== null && b.place !== null) return a.place - b.place;
    if (a.place !== null) return -1;
    if (b.place !== null) return 1;
    return a.bib - b.bib;
  });
}

export function resultsCsv(rows: readonly ResultRow[]): string {
  return toCsv(
    ['Place', 'Bib', 'Name', 'Time', 'Status', 'Sync'],
    rows.map((r) => [r.place, r.bib, r.name, r.time, r.status, r.sync]),
  );
}
