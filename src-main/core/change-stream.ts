// The screens' change stream: every change to what they show takes one position (DeltaCursor),
// announced to the subscribers either as the rows it changed or as "reload the snapshot".
import { randomUUID } from 'node:crypto';
import type { CrossingView, DeltaCursor, StationEvent } from '../../src-shared/station-api';

export interface ChangeStream {
  subscribe(listener: (event: StationEvent) => void): () => void;
  /** The position of the latest change (a snapshot taken now includes it). */
  cursor(): DeltaCursor;
  /** Screens reload their snapshot. */
  announce(journalLength: number): void;
  /**
   * Screens apply these rows instead of reloading: only for a change these rows fully tell.
   * `changed` follows for a journal change, at the same position, so whoever wakes on it (the
   * sync loop, a screen without deltas) still does; a screen that applied the rows skips it.
   */
  announceRows(rows: CrossingView[], journalLength: number, journalChanged: boolean): void;
  /** Forget every subscriber (the core is closing). */
  clear(): void;
}

export function createChangeStream(): ChangeStream {
  const listeners = new Set<(e: StationEvent) => void>();
  const stream = randomUUID();
  let seq = 0;
  const emit = (event: StationEvent): void => {
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        console.error(`Chute: a station event listener failed: ${(err as Error).message}`);
      }
    }
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cursor: () => ({ stream, seq }),
    announce(journalLength) {
      seq += 1;
      emit({ type: 'changed', journalLength, delta: { stream, seq } });
    },
    announceRows(crossings, journalLength, journalChanged) {
      seq += 1;
      const delta = { stream, seq };
      emit({ type: 'rows', delta, journalLength, crossings });
      if (journalChanged) emit({ type: 'changed', journalLength, delta });
    },
    clear: () => listeners.clear(),
  };
}
