// A minimal real WebSocket client of the web host's wire protocol (src-shared/wire.ts): requests
// carry an id, answers are matched by id, pushed events are counted and handed to a listener.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { WireMessage } from '../../src-shared/wire';
import type { Command, Query, StationEvent } from '../../src-shared/station-api';

export interface Answer {
  ok: boolean;
  result?: unknown;
  error?: string;
  /** performance.now() when the answer arrived. */
  at: number;
}

export interface WireClient {
  command(body: Command): Promise<Answer>;
  query(body: Query): Promise<Answer>;
  /** Fire a request without waiting; the promise settles with the answer. */
  send(kind: 'command' | 'query', body: Command | Query): Promise<Answer>;
  events(): number;
  /** Every pushed event from now on (one listener; null stops). */
  onEvent(listener: ((event: StationEvent) => void) | null): void;
  close(): Promise<void>;
}

export async function openWireClient(port: number, token: string): Promise<WireClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`);
  const waiting = new Map<number, (a: Answer) => void>();
  let events = 0;
  let listener: ((event: StationEvent) => void) | null = null;
  let nextId = 1;
  ws.on('message', (data) => {
    const at = performance.now();
    const message = WireMessage.parse(JSON.parse(String(data)));
    if ('event' in message) {
      events += 1;
      listener?.(message.event);
      return;
    }
    if (!message.ok && message.id === null) {
      throw new Error(`web host refused a message: ${message.error}`);
    }
    if (message.id === null) return;
    const resolve = waiting.get(message.id);
    waiting.delete(message.id);
    resolve?.(
      message.ok
        ? { ok: true, result: message.result, at }
        : { ok: false, error: message.error, at },
    );
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const send = (kind: 'command' | 'query', body: Command | Query): Promise<Answer> => {
    const id = nextId++;
    return new Promise<Answer>((resolve) => {
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, kind, body }));
    });
  };
  return {
    send,
    command: (body) => send('command', body),
    query: (body) => send('query', body),
    events: () => events,
    onEvent: (l) => {
      listener = l;
    },
    close: () =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}
