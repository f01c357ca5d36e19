import { describe, expect, it } from 'vitest';
import { planCorrection } from '../../../src-renderer/lib/corrections';
import { crossing } from './fixtures';

describe('planCorrection', () => {
  const row = crossing({ tapSeq: 4, bib: 123 });
  const untagged = crossing({ tapSeq: 5 });

  it('opens a dialog for bib and time, voids directly, all needing a row', () => {
    expect(planCorrection({ kind: 'bib' }, row, '')).toEqual({
      kind: 'dialog',
      dialog: 'bib',
      crossing: row,
    });
    expect(planCorrection({ kind: 'time' }, row, '')).toEqual({
      kind: 'dialog',
      dialog: 'time',
      crossing: row,
    });
    expect(planCorrection({ kind: 'void' }, row, '')).toMatchObject({
      kind: 'command',
      command: { type: 'void', tapSeq: 4 },
    });
    expect(planCorrection({ kind: 'void' }, null, '55').kind).toBe('error');
  });
  it("marks a status or clear on the row's bib, else on the typed bib", () => {
    expect(planCorrection({ kind: 'status', status: 'DNF' }, row, '')).toMatchObject({
      command: { type: 'status', bib: '123', status: 'DNF' },
      clearsBibText: false,
    });
    expect(planCorrection({ kind: 'status', status: 'DNS' }, null, '77')).toMatchObject({
      command: { type: 'status', bib: '77', status: 'DNS' },
      clearsBibText: true,
    });
    expect(planCorrection({ kind: 'status', status: null }, row, '')).toMatchObject({
      command: { type: 'status', bib: '123', status: null },
      label: 'lift status of bib 123',
    });
    expect(planCorrection({ kind: 'clear' }, null, '88')).toMatchObject({
      command: { type: 'clear', bib: '88' },
    });
  });
  it('explains what is missing', () => {
    const none = planCorrection({ kind: 'clear' }, null, '');
    expect(none).toEqual({ kind: 'error', message: 'Type a bib or select a row first' });
    const noBib = planCorrection({ kind: 'status', status: 'DQ' }, untagged, '');
    expect(noBib.kind).toBe('error');
  });
});
