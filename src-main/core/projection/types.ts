// The projection's vocabulary: what the journal means for the timing screen (crossings) and
// what this station wants RunSignup to show (wanted fields). See index.ts for the rules.
import type {
  FieldKey,
  JournalEntry,
  Participant,
  ResultStatus,
  StationConfig,
} from '../../../src-shared/domain';

/** What the projection reads of a journal entry: its seq and what it says. */
export type JournalItem = Pick<JournalEntry, 'seq' | 'payload'>;

/**
 * Why a crossing needs a timer's look. Each is also a StationApi `Warning` code, with the same
 * meaning.
 */
export type CrossingFlag =
  | 'unknown-bib'
  | 'other-event'
  | 'already-recorded'
  | 'no-gun'
  | 'before-gun'
  | 'time-too-long'
  | 'unreadable';

/** A message per flag, for the screen and for command warnings. */
export const CROSSING_FLAG_MESSAGES: Record<CrossingFlag, string> = {
  'unknown-bib': 'Bib not registered: this time is not posted until the bib is fixed',
  'other-event': 'Bib belongs to an event this station does not time',
  'already-recorded': 'Bib already recorded at this station: only the first crossing counts',
  'no-gun': 'No gun time for this event yet: the time is posted once the gun is set',
  'before-gun': 'Crossing is before the gun: check the gun time or the tap',
  'time-too-long': 'Elapsed time over 999 hours: check the gun time',
  unreadable: 'Unreadable bib: type it when known',
};

/** One crossing (a tap) as the journal now says it is. */
export interface Crossing {
  tapSeq: number;
  /** Effective station-clock time of the crossing (after adjusts), ms since epoch. */
  at: number;
  /** Effective bib (after assigns), or null while time-only / unreadable. */
  bib: number | null;
  /** The tap was a placeholder and still has no bib. */
  unreadable: boolean;
  /** Voided, or the tap itself was undone. */
  voided: boolean;
  /** The bib was cleared after this crossing got it: kept for the record, never scored. */
  cleared: boolean;
  /** The participant's event, when the bib is registered. */
  eventId: number | null;
  /** Place within the event (1..k), or null when the crossing does not count. */
  place: number | null;
  /** Tap − gun + station offset; null without a gun or event. May be negative (before-gun). */
  elapsedMs: number | null;
  /** `formatElapsed(elapsedMs, precision)` when it is a valid time, else null. */
  time: string | null;
  /** The bib's DQ/DNF/DNS/DNQ, if any. */
  status: ResultStatus | null;
  flags: CrossingFlag[];
}

/** One field this station wants RunSignup to show. `value` is never blank. */
export interface WantedField {
  key: FieldKey;
  /** A time (`H:MM:SS.f`), a place (`"12"`), a status, or `"X"`. */
  value: string;
}

/** Wanted fields by `fieldKeyString(key)`. */
export type WantedMap = ReadonlyMap<string, WantedField>;

/**
 * A change of one wanted field. `value: null` means "this station no longer wants a value
 * here". The PROJECTION never turns that into "X": it cannot know what RunSignup holds. The
 * OUTBOX (src-main/core/store/outbox-store) decides: if RunSignup acknowledged a real value for
 * the key (or one may be in flight), it wants "X"; otherwise the row is simply dropped. An
 * explicit `clear` journal entry is different: the projection then wants "X" itself.
 */
export interface FieldChange {
  keyString: string;
  key: FieldKey;
  value: string | null;
}

export interface ProjectionContext {
  config: StationConfig;
  /** Registered participants by bib (see `indexParticipants`). */
  participants: ReadonlyMap<number, Participant>;
}

/** The batch projection: every crossing in tap (seq) order, and the wanted fields. */
export interface Projection {
  crossings: Crossing[];
  wanted: Map<string, WantedField>;
  /** Bibs of `order` entries still waiting for a time-only crossing, oldest first. */
  waitingBibs: number[];
}

export const FIELD_PLACE = 'place';
export const FIELD_CLOCK_TIME = 'clock_time';
export function splitField(splitId: number): string {
  return `split-${splitId}`;
}

/** The map key of a field: stable, unique and readable (`resultSet:event:bib:field`). */
export function fieldKeyString(key: FieldKey): string {
  return `${key.resultSetId}:${key.eventId}:${key.bib}:${key.field}`;
}
