// Which command a correction key becomes. Pure. Row corrections (bib, time, void) need a
// selected row; bib corrections (status, clear) take the selected row's bib, else the typed bib
// — a DNS is usually typed for a runner who never crossed.
import type { Command, CrossingView } from '../../src-shared/station-api';
import type { Correction } from './keys';

export type CorrectionPlan =
  | { kind: 'dialog'; dialog: 'bib' | 'time'; crossing: CrossingView }
  | { kind: 'command'; command: Command; label: string; clearsBibText: boolean }
  | { kind: 'error'; message: string };

export function planCorrection(
  correction: Correction,
  selected: CrossingView | null,
  bibText: string,
): CorrectionPlan {
  if (correction.kind === 'bib' || correction.kind === 'time' || correction.kind === 'void') {
    if (!selected) return { kind: 'error', message: 'Select a row first (↑/↓ or click)' };
    if (correction.kind === 'void') {
      return {
        kind: 'command',
        command: { type: 'void', tapSeq: selected.tapSeq },
        label: `void crossing #${selected.tapSeq}${selected.bib !== null ? ` (bib ${selected.bib})` : ''}`,
        clearsBibText: false,
      };
    }
    return { kind: 'dialog', dialog: correction.kind, crossing: selected };
  }
  const fromRow = selected?.bib ?? null;
  const typed = bibText.trim();
  const bib = fromRow !== null ? String(fromRow) : typed;
  if (bib === '') {
    return {
      kind: 'error',
      message: selected
        ? 'This crossing has no bib yet: give it one first'
        : 'Type a bib or select a row first',
    };
  }
  const clearsBibText = fromRow === null;
  if (correction.kind === 'clear') {
    return {
      kind: 'command',
      command: { type: 'clear', bib },
      label: `clear (X) bib ${bib}`,
      clearsBibText,
    };
  }
  return {
    kind: 'command',
    command: { type: 'status', bib, status: correction.status },
    label:
      correction.status === null ? `lift status of bib ${bib}` : `${correction.status} bib ${bib}`,
    clearsBibText,
  };
}
