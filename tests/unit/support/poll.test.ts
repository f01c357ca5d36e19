// The shared poll helper: it hands back the awaited value, and a wait that never ends says what
// it waited for and the last value it saw.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../support/poll';

describe('waitFor', () => {
  it('resolves the first present value of a probe, sync or async', async () => {
    let calls = 0;
    const probe = () => (++calls >= 3 ? `row ${calls}` : undefined);
    await expect(waitFor(probe, { what: 'a row' })).resolves.toBe('row 3');
    let n = 0;
    await expect(
      waitFor(async () => (++n > 1 ? { bib: 12 } : null), { what: 'bib 12' }),
    ).resolves.toEqual({ bib: 12 });
    await expect(waitFor(() => 0, { what: 'zero is a value' })).resolves.toBe(0);
  });

  it('with `until`, resolves the first value it accepts', async () => {
    let pending = 3;
    const counts = await waitFor(() => ({ pending: Math.max(0, pending--) }), {
      what: 'drained',
      until: (c) => c.pending === 0,
    });
    expect(counts).toEqual({ pending: 0 });
  });

  it('fails naming what it waited for and the last value seen', async () => {
    let calls = 0;
    const failure = waitFor(() => ({ pending: 2, calls: ++calls }), {
      what: 'row 12 sent',
      until: (c) => c.pending === 0,
      timeoutMs: 30,
    });
    await expect(failure).rejects.toThrow();
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toBe(
      `Timed out after 30 ms waiting for row 12 sent; last seen: { pending: 2, calls: ${calls} }`,
    );
  });

  it('cuts a long last value short', async () => {
    const failure = waitFor(() => 'x'.repeat(5_000), {
      what: 'a short string',
      until: (s) => s.length < 10,
      timeoutMs: 0,
    });
    await expect(failure).rejects.toThrow(/last seen: 'x{599}…$/);
  });

  it('lets an error of the probe through at once', async () => {
    const failure = waitFor(
      () => {
        throw new Error('no such table: outbox');
      },
      { what: 'the outbox' },
    );
    await expect(failure).rejects.toThrow('no such table: outbox');
  });
});
