// The X read-back counts a field cleared only when RunSignup shows the bib's row with
// the field empty, or the row is absent from a complete read. A row without the field, or a read
// that may have stopped early, keeps the row in "verify on RunSignup" and it is read again later.
import { afterEach, describe, expect, it } from 'vitest';
import { readBackVerdict, SyncLoop, type ReadBackRows } from '../../../src-main/sync/sync-loop';
import type { ResultReadRow, ResultsPoster } from '../../../src-main/sync/ports';
import { OK, TARGET, finish, tempOutbox, type TempOutbox } from './helpers';
import { waitFor } from '../../support/poll';

let store: TempOutbox | null = null;
let loop: SyncLoop | null = null;
afterEach(async () => {
  await loop?.stop();
  loop = null;
  store?.close();
  store = null;
});

const partial = (rows: ResultReadRow[]): ReadBackRows => Object.assign(rows, { complete: false });

describe('readBackVerdict', () => {
  it('present with the field empty: cleared; with a value: shown', () => {
    expect(readBackVerdict({ bib: 7, clock_time: '' }, 'clock_time', false)).toEqual({
      kind: 'cleared',
    });
    expect(readBackVerdict({ bib: 7, clock_time: null }, 'clock_time', true)).toEqual({
      kind: 'cleared',
    });
    expect(readBackVerdict({ bib: 7, clock_time: '0:20:00.0' }, 'clock_time', true)).toEqual({
      kind: 'shown',
      shown: '0:20:00.0',
    });
  });

  it('absent: cleared only from a complete read', () => {
    expect(readBackVerdict(undefined, 'clock_time', true)).toEqual({ kind: 'cleared' });
    expect(readBackVerdict(undefined, 'clock_time', false)).toEqual({ kind: 'unknown' });
  });

  it('present without the field (another key): unknown, never cleared', () => {
    expect(readBackVerdict({ bib: 7, chip_time: '0:19:00.0' }, 'clock_time', true)).toEqual({
      kind: 'unknown',
    });
  });
});

describe('SyncLoop read-back of an X', () => {
  async function withReads(reads: Array<() => ReadBackRows>) {
    store = tempOutbox();
    const { outbox } = store;
    let n = 0;
    const poster: ResultsPoster = {
      postResults: () => Promise.resolve(OK),
      readResults: () => {
        const next = reads[Math.min(n, reads.length - 1)]!;
        n += 1;
        return Promise.resolve(next());
      },
    };
    loop = new SyncLoop({
      outbox,
      poster,
      verification: outbox,
      idlePollMs: 20,
      readBackPaceMs: 20,
      isolationPaceMs: 0,
    });
    store.apply([finish(7, '0:20:00.0'), finish(8, '0:21:00.0')], 1);
    loop.start();
    await waitFor(() => outbox.counts(), { what: 'times posted', until: (c) => c.pending === 0 });
    store.apply([finish(7, 'X')], 2);
    loop.wake();
    const key = { ...TARGET, bib: 7, field: 'clock_time' };
    return { outbox, key, reads: () => n };
  }

  it('a row present without the field, then a partial read without the row: still verify; a complete read without it: cleared', async () => {
    const { outbox, key, reads } = await withReads([
      (): ResultReadRow[] => [
        { bib: 7, chip_time: '' },
        { bib: 8, clock_time: '0:21:00.0' },
      ],
      () => partial([{ bib: 8, clock_time: '0:21:00.0' }]),
      () => [{ bib: 8, clock_time: '0:21:00.0' }],
    ]);
    await waitFor(reads, { what: 'two inconclusive reads', until: (n) => n >= 2 });
    const during = outbox.fieldState(key)!;
    expect(during.verifyVersion).not.toBeNull();
    expect(during.attentionReason).toBeNull();
    await waitFor(() => outbox.fieldState(key), {
      what: 'the clear verified',
      until: (st) => st?.verifyVersion === null,
    });
    expect(reads()).toBeGreaterThanOrEqual(3);
    const st = outbox.fieldState(key)!;
    expect(st.ackedValue).toBe('X');
    expect(st.attentionReason).toBeNull();
  });

  it('the row present with the field empty is cleared at the first read', async () => {
    const { outbox, key, reads } = await withReads([() => [{ bib: 7, clock_time: '' }]]);
    await waitFor(reads, { what: 'one read back', until: (n) => n === 1 });
    await waitFor(() => outbox.fieldState(key), {
      what: 'the clear acknowledged and verified',
      until: (st) => st?.ackedValue === 'X' && st.verifyVersion === null,
    });
    expect(reads()).toBe(1);
    expect(outbox.fieldState(key)!.ackedValue).toBe('X');
  });
});
