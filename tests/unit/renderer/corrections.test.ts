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

  it('takes the typed bib over a selected row, for every letter', () => {
    const other = crossing({ tapSeq: 9, bib: 44 });
    const list = [other, row];
    expect(planCorrection({ kind: 'status', status: 'DNF' }, row, '44', list)).toMatchObject({
      command: { type: 'status', bib: '44', status: 'DNF' },
      clearsBibText: true,
    });
    expect(planCorrection({ kind: 'clear' }, row, '44', list)).toMatchObject({
      command: { type: 'clear', bib: '44' },
    });
    expect(planCorrection({ kind: 'void' }, row, '44', list)).toMatchObject({
      command: { type: 'void', tapSeq: 9 },
      clearsBibText: true,
    });
    expect(planCorrection({ kind: 'bib' }, row, '44', list)).toEqual({
      kind: 'dialog',
      dialog: 'bib',
      crossing: other,
    });
    // A typed bib without a crossing in the list: refused, never the selected row instead.
    expect(planCorrection({ kind: 'time' }, row, '55', list)).toMatchObject({ kind: 'error' });
    expect(planCorrection({ kind: 'status', status: 'DQ' }, row, '4x', list).kind).toBe('error');
  });
  it('asks for Enter before changing a result RunSignup already has', () => {
    const sent = crossing({ tapSeq: 7, bib: 3, sync: 'sent' });
    const list = [sent, row];
    for (const status of ['DQ', 'DNF', 'DNS', 'DNQ'] as const) {
      const plan = planCorrection({ kind: 'status', status }, null, '3', list);
      expect(plan).toMatchObject({ kind: 'command', confirm: expect.stringContaining('Enter') });
    }
    expect(planCorrection({ kind: 'clear' }, sent, '', list)).toMatchObject({
      confirm: expect.stringContaining('RunSignup'),
    });
    // Lifting a status, or a bib not yet sent: no question.
    expect(planCorrection({ kind: 'status', status: null }, sent, '', list)).toMatchObject({
      confirm: null,
    });
    expect(planCorrection({ kind: 'status', status: 'DQ' }, row, '', list)).toMatchObject({
      confirm: null,
    });
    // The station may know of a posted result beyond the listed rows.
    expect(planCorrection({ kind: 'status', status: 'DNS' }, null, '88', [], true)).toMatchObject({
      confirm: expect.stringContaining('Bib 88'),
    });
  });
});
