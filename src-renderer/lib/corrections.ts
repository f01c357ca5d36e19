// Which command a correction key becomes. Pure. A typed bib always wins over a selected row:
// the timer looks at the field, not at a row clicked a minute ago. Row corrections (bib, time,
// void) act on the typed bib's newest crossing, else on the selected row; bib corrections
// (status, clear) take the typed bib, else the selected row's bib — a DNS is usually typed for a
// runner who never crossed.
import type { Command, CrossingView } from '../../src-shared/station-api';
import type { Correction } from './keys';

export type CorrectionPlan =
  | { kind: 'dialog'; dialog: 'bib' | 'time'; crossing: CrossingView }
  | {
      kind: 'command';
      command: Command;
      label: string;
      clearsBibText: boolean;
      /**
       * Set when the bib's result is already on RunSignup and this would change it there: the
       * sentence asking the timer to confirm (Enter) or cancel (Esc). A stray letter under the
       * digits must not post a DQ or clear a finish on its own.
       */
      confirm: string | null;
    }
  | { kind: 'error'; message: string };

/**
 * Sync states whose value RunSignup has, or may have: accepted, verified, being read back, in
 * flight (an unknown outcome may still apply), or differing there (a conflict).
 */
const ON_RUNSIGNUP: ReadonlySet<CrossingView['sync']> = new Set([
  'sending',
  'sent',
  'verified',
  'verify',
  'conflict',
]);

/** Whether any listed crossing of this bib has its result on RunSignup. */
export function bibOnRunSignup(crossings: readonly CrossingView[], bib: number): boolean {
  return crossings.some((c) => c.bib === bib && ON_RUNSIGNUP.has(c.sync));
}

/** The newest listed crossing of a bib (the list is newest first). */
export function crossingOfBib(
  crossings: readonly CrossingView[],
  bib: number,
): CrossingView | null {
  return crossings.find((c) => c.bib === bib) ?? null;
}

export function planCorrection(
  correction: Correction,
  selected: CrossingView | null,
  bibText: string,
  crossings: readonly CrossingView[] = [],
  /** The station says this bib's result is on RunSignup (beyond the rows listed). */
  postedBeyondList = false,
): CorrectionPlan {
  const typed = bibText.trim();
  if (typed !== '' && !/^\d{1,6}$/.test(typed)) {
    return { kind: 'error', message: `"${typed}" is not a bib number` };
  }
  if (correction.kind === 'bib' || correction.kind === 'time' || correction.kind === 'void') {
    const row = typed === '' ? selected : crossingOfBib(crossings, Number(typed));
    if (!row) {
      return {
        kind: 'error',
        message:
          typed === ''
            ? 'Select a row first (↑/↓ or click)'
            : `Bib ${typed} has no crossing in the list: select the row instead (Esc clears the field)`,
      };
    }
    if (correction.kind === 'void') {
      return {
        kind: 'command',
        command: { type: 'void', tapSeq: row.tapSeq },
        label: `void crossing #${row.tapSeq}${row.bib !== null ? ` (bib ${row.bib})` : ''}`,
        clearsBibText: typed !== '',
        confirm: null,
      };
    }
    return { kind: 'dialog', dialog: correction.kind, crossing: row };
  }
  const fromRow = selected?.bib ?? null;
  const bib = typed !== '' ? typed : fromRow !== null ? String(fromRow) : '';
  if (bib === '') {
    return {
      kind: 'error',
      message: selected
        ? 'This crossing has no bib yet: give it one first'
        : 'Type a bib or select a row first',
    };
  }
  const clearsBibText = typed !== '';
  const posted = postedBeyondList || bibOnRunSignup(crossings, Number(bib));
  if (correction.kind === 'clear') {
    return {
      kind: 'command',
      command: { type: 'clear', bib },
      label: `clear (X) bib ${bib}`,
      clearsBibText,
      confirm: posted
        ? `Bib ${bib}'s result is on RunSignup: Enter clears it there (X), Esc cancels`
        : null,
    };
  }
  const status = correction.status;
  return {
    kind: 'command',
    command: { type: 'status', bib, status },
    label: status === null ? `lift status of bib ${bib}` : `${status} bib ${bib}`,
    clearsBibText,
    confirm:
      posted && status !== null
        ? `Bib ${bib}'s result is on RunSignup: Enter marks it ${status} there, Esc cancels`
        : null,
  };
}
