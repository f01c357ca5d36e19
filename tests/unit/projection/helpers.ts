// Builders for projection tests: a small race, journal entries with automatic seqs.
import type {
  JournalEntry,
  JournalPayload,
  Participant,
  StationConfig,
} from '../../../src-shared/domain';
import type { ProjectionContext, WantedMap } from '../../../src-main/core/projection';

export const T0 = Date.UTC(2026, 5, 6, 12, 0, 0);

export function participant(bib: number, eventId: number): Participant {
  return {
    registrationId: 1000 + bib,
    eventId,
    bib,
    chip: null,
    firstName: `First${bib}`,
    lastName: `Last${bib}`,
    gender: null,
    age: null,
  };
}

/** Events 1 and 2 are timed (result sets 11, 12); event 3 is another event of the race. */
export function finishConfig(precision: 0 | 1 | 2 | 3 = 1): StationConfig {
  return {
    stationId: 'st-1',
    stationName: 'Finish',
    mode: 'practice',
    raceId: 500,
    raceName: 'Test Race',
    events: [
      { eventId: 1, name: '5K', resultSetId: 11, scheduledStart: null },
      { eventId: 2, name: '10K', resultSetId: 12, scheduledStart: null },
    ],
    role: { kind: 'finish' },
    precision,
  };
}

/** A split station timing events 1 (split 71) and 2 (split 72). */
export function splitConfig(): StationConfig {
  return {
    ...finishConfig(),
    stationName: 'Mile 1',
    role: {
      kind: 'split',
      name: 'Mile 1',
      splits: [
        { eventId: 1, splitId: 71 },
        { eventId: 2, splitId: 72 },
      ],
    },
  };
}

/** Bibs 1-4 in event 1, 5-8 in event 2, 9 in event 3 (not timed); 10 and up unknown. */
export function defaultParticipants(): Map<number, Participant> {
  const m = new Map<number, Participant>();
  for (let b = 1; b <= 4; b++) m.set(b, participant(b, 1));
  for (let b = 5; b <= 8; b++) m.set(b, participant(b, 2));
  m.set(9, participant(9, 3));
  return m;
}

export function ctx(
  config = finishConfig(),
  participants = defaultParticipants(),
): ProjectionContext {
  return { config, participants };
}

/** A journal builder: `j.tap(...)` returns the seq it wrote. */
export class Journal {
  readonly entries: JournalEntry[] = [];
  private seq = 0;

  add(payload: JournalPayload): number {
    this.seq += 1;
    this.entries.push({ seq: this.seq, stationId: 'st-1', recordedAt: T0, payload });
    return this.seq;
  }
  tap(atOffsetMs: number, bib: number | null = null, unreadable = false): number {
    return this.add({ kind: 'tap', at: T0 + atOffsetMs, bib, unreadable });
  }
  assign(tapSeq: number, bib: number | null): number {
    return this.add({ kind: 'assign', tapSeq, bib });
  }
  adjust(tapSeq: number, atOffsetMs: number): number {
    return this.add({ kind: 'adjust', tapSeq, at: T0 + atOffsetMs });
  }
  void(tapSeq: number): number {
    return this.add({ kind: 'void', tapSeq });
  }
  status(bib: number, status: 'DQ' | 'DNF' | 'DNS' | 'DNQ' | null): number {
    return this.add({ kind: 'status', bib, status });
  }
  clear(bib: number): number {
    return this.add({ kind: 'clear', bib });
  }
  gun(eventId: number, atOffsetMs = 0): number {
    return this.add({ kind: 'gun', eventId, at: T0 + atOffsetMs });
  }
  offset(ms: number): number {
    return this.add({ kind: 'offset', ms });
  }
  undo(targetSeq: number): number {
    return this.add({ kind: 'undo', targetSeq });
  }
  shift(fromTapSeq: number, toTapSeq: number, direction: 'earlier' | 'later'): number {
    return this.add({ kind: 'shift', fromTapSeq, toTapSeq, direction });
  }
  order(bib: number): number {
    return this.add({ kind: 'order', bib });
  }
}

/** A wanted map as a plain sorted object, `key -> value`, for readable assertions. */
export function plain(wanted: WantedMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...wanted.keys()].sort()) out[k] = (wanted.get(k) as { value: string }).value;
  return out;
}
