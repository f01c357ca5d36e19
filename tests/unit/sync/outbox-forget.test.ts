// forgetAcknowledgements (a fresh practice RunSignup): every wanted value is pending again,
// withdrawn-and-never-sent fields stay quiet, and a later ack works as before.
import { afterEach, describe, expect, it } from 'vitest';
import { finish, tempOutbox, type TempOutbox } from './helpers';

let box: TempOutbox | null = null;
afterEach(() => {
  box?.close();
  box = null;
});

describe('outbox: forget acknowledgements', () => {
  it('makes acknowledged fields pending again at their current value and version', () => {
    box = tempOutbox();
    const { outbox } = box;
    box.apply([finish(1, '20:00.0'), finish(2, '20:01.0'), finish(3, '20:02.0')], 1);
    outbox.acknowledge(outbox.takePending(10), 2);
    expect(outbox.counts().pending).toBe(0);
    box.apply([{ ...finish(3, ''), value: null }], 3); // bib 3 withdrawn: "X" wanted
    const still = outbox.takePending(10);
    expect(still.map((r) => [r.bib, r.value])).toEqual([[3, 'X']]);

    expect(outbox.forgetAcknowledgements()).toBe(3);
    const again = outbox.takePending(10);
    expect(again.map((r) => [r.bib, r.value, r.version]).sort()).toEqual([
      [1, '20:00.0', 1],
      [2, '20:01.0', 1],
      [3, 'X', 2],
    ]);
    outbox.acknowledge(again, 4);
    expect(outbox.counts()).toEqual({ pending: 0, attention: 0 });
    expect(outbox.forgetAcknowledgements()).toBe(3);
    expect(outbox.counts().pending).toBe(3);
  });
});
