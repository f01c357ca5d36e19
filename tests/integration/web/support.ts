// Small helpers for talking to the web host over a real WebSocket in tests.
import WebSocket from 'ws';
import { CLOCK_PARAM, ClockPing, WireMessage } from '../../../src-shared/wire';

export interface TestSocket {
  ws: WebSocket;
  /** The next non-event message, after running `trigger`. */
  next(trigger: () => void): Promise<WireMessage>;
  nextEvent(): Promise<unknown>;
  events: unknown[];
  /** Clock pings answered so far. */
  pings(): number;
}

/**
 * `clock`: the socket answers clock pings as the renderer does, its clock `skewMs` off this
 * machine's (a tablet with its own clock), `delayMs` late (a slow link). Both are read at each
 * ping, so a test may change them (a device clock stepped, a link that recovers).
 */
export async function openSocket(
  host: { port: number; token: string },
  clock?: { skewMs: number; delayMs?: number },
): Promise<TestSocket> {
  const ws = new WebSocket(
    `ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(host.token)}` +
      (clock ? `&${CLOCK_PARAM}=1` : ''),
  );
  const answers: WireMessage[] = [];
  const events: unknown[] = [];
  const waiters: Array<() => void> = [];
  let pings = 0;
  ws.on('message', (data) => {
    const json: unknown = JSON.parse(String(data));
    const ping = ClockPing.safeParse(json);
    if (ping.success) {
      if (!clock) throw new Error('the host pinged a socket that did not ask for clock pings');
      const answer = () => {
        const clientAt = Date.now() + clock.skewMs;
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(JSON.stringify({ kind: 'clockPong', n: ping.data.clockPing, clientAt }));
        pings += 1;
        for (const w of waiters.splice(0)) w();
      };
      // A slow link: the answer leaves `delayMs` late (read at each ping, like `skewMs`).
      if (clock.delayMs) setTimeout(answer, clock.delayMs);
      else answer();
      return;
    }
    const message = WireMessage.parse(json);
    if ('event' in message) events.push(message.event);
    else answers.push(message);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = async <T>(take: () => T | undefined): Promise<T> => {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return {
    ws,
    events,
    pings: () => pings,
    next(trigger) {
      answers.length = 0;
      trigger();
      return until(() => answers.shift());
    },
    nextEvent() {
      const seen = events.length;
      return until(() => (events.length > seen ? events[seen] : undefined));
    },
  };
}

let nextId = 1000;
export async function request(
  socket: TestSocket,
  body: { id?: number; kind: 'command' | 'query' | 'host'; body: unknown },
): Promise<WireMessage> {
  const id = body.id ?? nextId++;
  return socket.next(() => socket.ws.send(JSON.stringify({ ...body, id })));
}
