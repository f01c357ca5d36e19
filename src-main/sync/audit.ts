// The audit's judgement, field by field: what RunSignup shows against what this station wants,
// and what to do about a difference. Pure, so every case is tested without a server.
import { CLEAR_VALUE } from '../../src-shared/domain';
import { readBackMatches } from '../../src-shared/time';
import type { AuditedField, AuditSummary, FieldVerdict, ResultReadRow } from './ports';

export type { AuditedField, AuditSummary, FieldVerdict };

/**
 * What a read shows in one field: the text ('' for empty), or null when the read cannot tell
 * (the bib's row is absent from a partial read, or the row lacks the field).
 */
export function shownValue(
  record: ResultReadRow | undefined,
  field: string,
  complete: boolean,
): string | null {
  if (record === undefined) return complete ? '' : null;
  if (!Object.prototype.hasOwnProperty.call(record, field)) return null;
  const v = record[field];
  return v === null || v === undefined ? '' : String(v).trim();
}

/** Whether a shown text is the value `value` as RunSignup displays it ("X" shows as empty). */
export function showsValue(field: string, value: string | null, shown: string): boolean {
  if (value === null || value === CLEAR_VALUE) return shown === '';
  if (field === 'place') return shown !== '' && Number(shown) === Number(value);
  return readBackMatches(value, shown);
}

/**
 * The verdict for one field. `readStartedAt` is when the read began: a field posted with an
 * unknown outcome is judged only by a read that began `settleMs` after that post was given up
 * on, since RunSignup may still be applying it until then.
 */
export function auditVerdict(
  f: AuditedField,
  shown: string | null,
  readStartedAt: number,
  settleMs: number,
): FieldVerdict {
  if (shown === null) return { kind: 'skip' };
  if (f.yieldedVersion !== null && f.yieldedVersion === f.wantedVersion) return { kind: 'skip' };
  const wantedShown = showsValue(f.field, f.wantedValue, shown);
  if (f.conflictVersion !== null && f.conflictVersion === f.wantedVersion) {
    // Kept until the timer decides, unless RunSignup has come to show the station's value.
    return wantedShown && f.wantedValue !== null ? { kind: 'verified' } : { kind: 'skip' };
  }
  // Not acknowledged at its version: the loop posts it anyway (or it waits for the timer).
  if (f.wantedValue !== null && f.ackedVersion < f.wantedVersion) return { kind: 'skip' };
  const own = f.ownValues.some((v) => v !== CLEAR_VALUE && showsValue(f.field, v, shown));
  const settled = f.uncertainAt === null || readStartedAt >= f.uncertainAt + settleMs;
  if (f.wantedValue === null) {
    // Nothing of this station's is wanted: an empty field is right, a value it never sent is not.
    if (shown === '' || own) return { kind: 'skip' };
    return { kind: 'conflict', shown };
  }
  if (wantedShown) return settled ? { kind: 'verified' } : { kind: 'wait' };
  if (shown === '' || own) return settled ? { kind: 'repost', shown } : { kind: 'wait' };
  return { kind: 'conflict', shown };
}

export function summarize(rowsRead: number, verdicts: readonly FieldVerdict[]): AuditSummary {
  const s: AuditSummary = {
    rowsRead,
    compared: 0,
    verified: 0,
    repaired: 0,
    conflicts: 0,
    waiting: 0,
  };
  for (const v of verdicts) {
    if (v.kind === 'skip') continue;
    s.compared += 1;
    if (v.kind === 'verified') s.verified += 1;
    else if (v.kind === 'repost') s.repaired += 1;
    else if (v.kind === 'conflict') s.conflicts += 1;
    else s.waiting += 1;
  }
  return s;
}
