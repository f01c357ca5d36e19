// What Enter, Space and * turn into. Pure: the timing screen gives the typed text, the rows it
// shows and the crossings already being filled, and gets back the one command to send.
import type { Command, CrossingView } from '../../src-shared/station-api';

/**
 * Time-first capture: taps without a bib wait in a queue; each bib typed later fills the oldest
 * one (by time, ties by seq), in order. Placeholders for unreadable bibs are NOT filled this way:
 * they are fixed on purpose by selecting the row.
 */
export function oldestUntagged(
  crossings: readonly CrossingView[],
  exclude: ReadonlySet<number> = new Set(),
): CrossingView | null {
  let best: CrossingView | null = null;
  for (const c of crossings) {
    if (c.bib !== null || c.unreadable || exclude.has(c.tapSeq)) continue;
    if (best === null || c.at < best.at || (c.at === best.at && c.tapSeq < best.tapSeq)) best = c;
  }
  return best;
}

export function untaggedCount(
  crossings: readonly CrossingView[],
  exclude: ReadonlySet<number> = new Set(),
): number {
  return crossings.filter((c) => c.bib === null && !c.unreadable && !exclude.has(c.tapSeq)).length;
}

export type EnterDecision =
  | { kind: 'command'; command: Command; describe: string; fillsTap: number | null }
  | { kind: 'error'; message: string };

/**
 * Enter with a bib: fills the oldest untagged time (an `order` entry) when one waits (unless Shift forces a new
 * crossing), else records a crossing now. Enter with an empty field records a time-only crossing
 * so a press under pressure is never lost.
 */
export function decideEnter(input: {
  bibText: string;
  at: number;
  forceNew: boolean;
  crossings: readonly CrossingView[];
  filling: ReadonlySet<number>;
}): EnterDecision {
  const bib = input.bibText.trim();
  if (bib === '') {
    return {
      kind: 'command',
      command: { type: 'tap', at: input.at },
      describe: 'time only',
      fillsTap: null,
    };
  }
  if (!/^\d{1,6}$/.test(bib)) return { kind: 'error', message: `"${bib}" is not a bib number` };
  if (!input.forceNew) {
    const target = oldestUntagged(input.crossings, input.filling);
    if (target) {
      // An `order` entry, not an assign to the crossing the screen sees: the core gives the bib
      // to the oldest time-only crossing in journal order (the screen's page may not hold it,
      // and a chute device may be typing bibs at the same time). `fillsTap` is only the guess
      // shown as "saving…" until the answer comes.
      return {
        kind: 'command',
        command: { type: 'order', bib },
        describe: `bib ${bib} in order (oldest time #${target.tapSeq})`,
        fillsTap: target.tapSeq,
      };
    }
  }
  return {
    kind: 'command',
    command: { type: 'tap', at: input.at, bib },
    describe: `bib ${bib}`,
    fillsTap: null,
  };
}

/** The tap time of a key or click: the event's own timestamp, never the time we got round to it. */
export function eventEpochMs(timeOrigin: number, eventTimeStamp: number): number {
  return Math.round(timeOrigin + eventTimeStamp);
}
