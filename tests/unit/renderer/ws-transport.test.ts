import { describe, expect, it, vi } from 'vitest';
import {
  backoffDelay,
  createWsTransport,
  performanceClock,
  socketUrlFromLocation,
  type SocketLike,
} from '../../../src-renderer/api/ws-transport';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  reply(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

/** Manual timers: nothing waits on the real clock. */
function harness() {
  const sockets: FakeSocket[] = [];
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let nextTimer = 1;
  const t = createWsTransport({
    url: 'ws://127.0.0.1:1/ws?token=t',
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    minDelayMs: 100,
    maxDelayMs: 400,
    requestTimeoutMs: 1000,
    setTimer: (fn, ms) => {
      const id = nextTimer++;
      timers.set(id, { fn, ms });
      return id;
    },
    clearTimer: (id) => timers.delete(id as number),
  });
  const fire = (pred: (ms: number) => boolean) => {
    for (const [id, timer] of [...timers]) {
      if (pred(timer.ms)) {
        timers.delete(id);
        timer.fn();
      }
    }
  };
  return { t, sockets, timers, fire, last: () => sockets[sockets.length - 1]! };
}

describe('socketUrlFromLocation', () => {
  it('builds ws(s)://host/ws?token= from the page address', () => {
    expect(
      socketUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=a b' }),
    ).toBe('ws://127.0.0.1:5000/ws?token=a%20b');
    expect(socketUrlFromLocation({ protocol: 'https:', host: 'x', search: '' })).toBe(
      'wss://x/ws?token=',
    );
  });
  it('backs off exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 10, 100].map((a) => backoffDelay(a, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
});

describe('createWsTransport', () => {
  it('matches answers to requests by id, and delivers events', async () => {
    const h = harness();
    const links: string[] = [];
    h.t.onLink((s) => links.push(s));
    const events: unknown[] = [];
    h.t.subscribe((e) => events.push(e));
    h.last().open();
    const a = h.t.request('query', { type: 'races' });
    const b = h.t.request('command', { type: 'undo' });
    const [first, second] = h.last().sent.map((s) => JSON.parse(s) as { id: number; kind: string });
    expect(first).toMatchObject({ kind: 'query', body: { type: 'races' } });
    expect(second).toMatchObject({ kind: 'command' });
    h.last().reply({ id: second!.id, ok: false, error: 'Nothing to undo' });
    h.last().reply({ id: first!.id, ok: true, result: [] });
    h.last().reply({ event: { type: 'changed', journalLength: 2 } });
    h.last().onmessage?.({ data: 'not json' });
    h.last().reply({ what: 'ever' });
    await expect(a).resolves.toEqual([]);
    await expect(b).rejects.toThrow('Nothing to undo');
    expect(events).toEqual([{ type: 'changed', journalLength: 2 }]);
    expect(links).toEqual(['connecting', 'open']);
  });
  it('fails waiting calls clearly on disconnect, refuses calls while down, and reconnects with backoff', async () => {
    const h = harness();
    h.last().open();
    const waiting = h.t.request('command', { type: 'undo' });
    h.last().drop();
    await expect(waiting).rejects.toThrow(/dropped before it answered/);
    await expect(h.t.request('query', { type: 'races' })).rejects.toThrow(/Not connected/);
    expect([...h.timers.values()].map((t) => t.ms)).toEqual([100]);
    h.fire((ms) => ms === 100);
    expect(h.sockets).toHaveLength(2);
    h.last().drop(); // the retry failed too: the next delay doubles
    expect([...h.timers.values()].map((t) => t.ms)).toEqual([200]);
    h.fire(() => true);
    h.last().open();
    const ok = h.t.request('query', { type: 'races' });
    const sent = JSON.parse(h.last().sent[0]!) as { id: number };
    h.last().reply({ id: sent.id, ok: true, result: ['x'] });
    await expect(ok).resolves.toEqual(['x']);
  });
  it('times out a call the station never answers, and stops for good on close', async () => {
    const h = harness();
    h.last().open();
    const slow = h.t.request('query', { type: 'races' });
    h.fire((ms) => ms === 1000);
    await expect(slow).rejects.toThrow(/did not answer within 1 s/);
    h.t.close();
    expect(h.timers.size).toBe(0);
    expect(h.sockets).toHaveLength(1);
  });
});

describe('clock pings answered on the tap clock', () => {
  it('answers from the clock taps are stamped with (performance), not Date.now()', () => {
    // A device whose wall clock was stepped 20 s after the page loaded.
    const wall = vi.spyOn(Date, 'now').mockReturnValue(performance.timeOrigin + 20_000 + 5_000);
    const perf = vi.spyOn(performance, 'now').mockReturnValue(5_000);
    try {
      const sockets: FakeSocket[] = [];
      const t = createWsTransport({
        url: 'ws://127.0.0.1:1/ws?token=t&clock=1',
        createSocket: () => {
          const s = new FakeSocket();
          sockets.push(s);
          return s;
        },
        setTimer: () => 0,
        clearTimer: () => {},
      });
      sockets[0]!.open();
      sockets[0]!.reply({ clockPing: 4 });
      expect(JSON.parse(sockets[0]!.sent[0]!)).toEqual({
        kind: 'clockPong',
        n: 4,
        clientAt: performance.timeOrigin + 5_000,
      });
      expect(performanceClock()).toBe(performance.timeOrigin + 5_000);
      t.close();
    } finally {
      wall.mockRestore();
      perf.mockRestore();
    }
  });

  it('hears what the host says this screen may do, and tells a late listener the last word', () => {
    const { t, last } = harness();
    last().open();
    const heard: string[] = [];
    t.onRights((r) => heard.push(r));
    last().reply({ screenRights: 'display' });
    const late: string[] = [];
    t.onRights((r) => late.push(r));
    expect(heard).toEqual(['display']);
    expect(late).toEqual(['display']);
  });
});
