// The web host transport: WebSocket at /ws?token=…, one JSON WireRequest per call with its own
// id, answers matched by id. Reconnects with capped exponential backoff; calls waiting when the
// link drops fail at once with a clear sentence (the station may or may not have saved them —
// the entry list, rebuilt from the station, is the truth).
import { ClockPing, ScreenRights, TOKEN_PARAM, WS_PATH, WireMessage } from '../../src-shared/wire';
import type { LinkState } from '../lib/sync-status';
import type { Transport } from './client';

/** The part of the browser's WebSocket this transport uses (a fake in unit tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

const OPEN = 1;

export interface WsTransportOptions {
  url: string;
  createSocket: (url: string) => SocketLike;
  /** Backoff: first delay, cap. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How long a call waits for its answer before failing. */
  requestTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** This screen's clock, the one tap times are taken with (answers the host's clock pings). */
  now?: () => number;
}

/**
 * The clock taps and pressed guns are stamped with (`performance.timeOrigin + event.timeStamp`):
 * the pong must answer from it, not from `Date.now()`, which a device's clock step or a sleep
 * moves apart from it.
 */
export function performanceClock(): number {
  return performance.timeOrigin + performance.now();
}

export interface WsTransport extends Transport {
  /** `host`: a request the web host answers itself (pairing second devices). */
  request(kind: 'command' | 'query' | 'host', body: unknown): Promise<unknown>;
  onLink(listener: (state: LinkState) => void): () => void;
  /** What the host said this screen's token allows (asked with `rights=1`), now and on change. */
  onRights(listener: (rights: ScreenRights['screenRights']) => void): () => void;
  close(): void;
}

/** ws(s)://host/ws?token=… from the page's own address. */
export function socketUrlFromLocation(loc: {
  protocol: string;
  host: string;
  search: string;
}): string {
  const token = new URLSearchParams(loc.search).get(TOKEN_PARAM) ?? '';
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

/** Capped exponential backoff; attempt 0 is the first retry. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 20));
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: unknown;
}

export function createWsTransport(options: WsTransportOptions): WsTransport {
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer =
    options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));

  const pending = new Map<number, Pending>();
  const eventListeners = new Set<(event: unknown) => void>();
  const linkListeners = new Set<(state: LinkState) => void>();
  const rightsListeners = new Set<(rights: ScreenRights['screenRights']) => void>();
  let rights: ScreenRights['screenRights'] | null = null;
  let nextId = 1;
  let attempt = 0;
  let socket: SocketLike | null = null;
  let link: LinkState = 'connecting';
  let closed = false;
  let reconnectTimer: unknown = null;

  const setLink = (state: LinkState) => {
    if (state === link) return;
    link = state;
    for (const l of linkListeners) l(state);
  };

  const failAll = (why: string) => {
    for (const [id, p] of pending) {
      clearTimer(p.timer);
      pending.delete(id);
      p.reject(new Error(why));
    }
  };

  const onMessage = (data: unknown) => {
    let json: unknown;
    try {
      json = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      console.warn('Ignored a station message that is not JSON');
      return;
    }
    const ping = ClockPing.safeParse(json);
    if (ping.success) {
      // The host measures this screen's clock: answer at once with it.
      const pong = {
        kind: 'clockPong',
        n: ping.data.clockPing,
        clientAt: (options.now ?? performanceClock)(),
      };
      if (socket?.readyState === OPEN) socket.send(JSON.stringify(pong));
      return;
    }
    const told = ScreenRights.safeParse(json);
    if (told.success) {
      rights = told.data.screenRights;
      for (const l of rightsListeners) l(rights);
      return;
    }
    const parsed = WireMessage.safeParse(json);
    if (!parsed.success) {
      console.warn('Ignored a station message that does not match the wire protocol');
      return;
    }
    const msg = parsed.data;
    if ('event' in msg) {
      for (const l of eventListeners) l(msg.event);
      return;
    }
    if (!msg.ok && msg.id === null) {
      // The station could not tell which request this answers (e.g. it could not parse it).
      console.warn(`Station error: ${msg.error}`);
      return;
    }
    if (msg.id === null) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    clearTimer(p.timer);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  };

  const connect = () => {
    if (closed) return;
    setLink('connecting');
    let s: SocketLike;
    try {
      s = options.createSocket(options.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onopen = () => {
      attempt = 0;
      setLink('open');
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => {
      // onclose follows; reconnect is handled there.
    };
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      failAll('The link to the station dropped before it answered; check the entry list');
      setLink('closed');
      scheduleReconnect();
    };
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer !== null) return;
    const delay = backoffDelay(attempt++, minDelay, maxDelay);
    reconnectTimer = setTimer(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  };

  connect();

  return {
    request(kind, body) {
      const s = socket;
      if (!s || s.readyState !== OPEN || link !== 'open') {
        return Promise.reject(new Error('Not connected to the station (reconnecting)'));
      }
      const id = nextId++;
      return new Promise<unknown>((resolve, reject) => {
        const timer = setTimer(() => {
          if (pending.delete(id)) {
            reject(new Error(`The station did not answer within ${timeoutMs / 1000} s`));
          }
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        try {
          s.send(JSON.stringify({ id, kind, body }));
        } catch (error) {
          pending.delete(id);
          clearTimer(timer);
          reject(new Error(`Could not send to the station: ${String(error)}`));
        }
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onLink(listener) {
      linkListeners.add(listener);
      listener(link);
      return () => linkListeners.delete(listener);
    },
    onRights(listener) {
      rightsListeners.add(listener);
      if (rights !== null) listener(rights);
      return () => rightsListeners.delete(listener);
    },
    close() {
      closed = true;
      if (reconnectTimer !== null) clearTimer(reconnectTimer);
      failAll('The screen closed its link to the station');
      socket?.close();
      socket = null;
    },
  };
}
