// Picks the transport: Electron's preload bridge when present, else the web host's socket.
import type { StationApi } from '../../src-shared/station-api';
import { CLOCK_PARAM, RIGHTS_PARAM, TOKEN_PARAM, type ScreenRights } from '../../src-shared/wire';
import type { LinkState } from '../lib/sync-status';
import { createStationClient } from './client';
import { createElectronTransport, isPreloadBridge } from './electron-transport';
import { createHostClient, type HostClient } from './host';
import {
  createWsTransport,
  performanceClock,
  socketUrlFromLocation,
  type SocketLike,
} from './ws-transport';

/** The browser's WebSocket seen through the transport's narrow SocketLike. */
function browserSocket(url: string): SocketLike {
  const ws = new WebSocket(url);
  const like: SocketLike = {
    get readyState() {
      return ws.readyState;
    },
    send: (data) => ws.send(data),
    close: () => ws.close(),
    onopen: null,
    onclose: null,
    onerror: null,
    onmessage: null,
  };
  ws.onopen = (ev) => like.onopen?.(ev);
  ws.onclose = (ev) => like.onclose?.(ev);
  ws.onerror = (ev) => like.onerror?.(ev);
  ws.onmessage = (ev) => like.onmessage?.({ data: ev.data });
  return like;
}

export interface Connected {
  api: StationApi;
  onLink(listener: (state: LinkState) => void): () => void;
  /** What this screen may do, as the web host tells it (the Electron shell is the main screen). */
  onRights?(listener: (rights: ScreenRights['screenRights']) => void): () => void;
  transport: 'electron' | 'websocket';
  /** Pairing second devices (the web host only). */
  host: HostClient | null;
}

export function connectFromWindow(win: Window & { chute?: unknown }): Connected {
  if (win.chute !== undefined) {
    if (!isPreloadBridge(win.chute)) {
      throw new Error('window.chute is present but is not the Chute preload bridge');
    }
    const t = createElectronTransport(win.chute);
    return { api: createStationClient(t), onLink: t.onLink, transport: 'electron', host: null };
  }
  const token = new URLSearchParams(win.location.search).get(TOKEN_PARAM);
  if (!token) {
    // Without the session token the station refuses the socket: say so instead of retrying.
    throw new Error(
      'this address has no access token. Open the full address the station printed when it started (it ends in ?token=…).',
    );
  }
  const t = createWsTransport({
    // `clock=1`: this screen answers the host's clock pings, so its tap times are corrected.
    // `rights=1`: the host says what this screen's token allows (a paired device: one screen).
    url: `${socketUrlFromLocation(win.location)}&${CLOCK_PARAM}=1&${RIGHTS_PARAM}=1`,
    createSocket: browserSocket,
    // Pings are answered on the clock taps are stamped with.
    now: performanceClock,
  });
  return {
    api: createStationClient(t),
    onLink: t.onLink,
    onRights: t.onRights,
    transport: 'websocket',
    host: createHostClient((kind, body) => t.request(kind, body)),
  };
}
