// The web host: the built renderer over HTTP and the StationApi over a WebSocket, on loopback.
// Any page in any browser on this machine could try to reach us, so: a per-session token on the
// socket, a Host check against DNS rebinding, an Origin check on the upgrade, a strict CSP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StationApi } from '../../src-shared/station-api';
import {
  CLOCK_PARAM,
  ClockPong,
  RIGHTS_PARAM,
  HostRequest,
  TOKEN_PARAM,
  WS_PATH,
  type ClockPing,
  type ScreenRights as ScreenRightsMessage,
  type WireMessage,
} from '../../src-shared/wire';
import { contentSecurityPolicy, securityHeaders } from '../app/csp';
import { parseWireText, runRequest } from '../app/dispatch';
import { contentTypeFor, resolveStaticPath } from '../app/static-files';
import {
  SCREEN_CLOCK_PINGS,
  SCREEN_CLOCK_REMEASURE_MS,
  SCREEN_CLOCK_RETRY_MS,
  estimateScreenOffset,
  tapInHostClock,
  trusted,
  type ScreenClockSample,
  type ScreenOffset,
} from './screen-clock';
import {
  SCREEN_OF_ROLE,
  commandRefusal,
  queryRefusal,
  createDeviceRegistry,
  hostRefusal,
  isLoopbackPeer,
  type DeviceRegistry,
  type ScreenRights,
} from './devices';
import { newSessionToken, tokenMatches } from './token';

export interface WebHostOptions {
  api: StationApi;
  /** The built renderer (`dist/renderer`). */
  rendererDir: string;
  host?: string;
  port?: number;
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string;
  /** The host's clock (tests may skew it). */
  now?: () => number;
  /** A measured screen's clock is measured again after this long (tests shorten it). */
  clockRemeasureMs?: number;
  /** How often the host checks whether a screen needs measuring, and retries an unmeasured one. */
  clockRetryMs?: number;
  /** Paired second devices (tests may pass their own). */
  devices?: DeviceRegistry;
  /** This laptop's network interfaces, for the links of other devices (default: the OS's). */
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export interface WebHost {
  /** The page to open, token included. */
  url: string;
  /** The origin only, without the token. */
  origin: string;
  /**
   * The page as another device on the network opens it (the chute recorder's tablet), token
   * included: one per address this laptop has when listening beyond loopback, else empty.
   */
  lanUrls: string[];
  token: string;
  port: number;
  /** Open sockets (for tests and the status line). */
  connections(): number;
  /** Second devices paired with their own, limited tokens. */
  devices: DeviceRegistry;
  /** Open sockets whose screen clock is measured: their taps and pressed guns are accepted. */
  measuredScreens(): number;
  close(): Promise<void>;
}

/** Frames above this are refused with an error answer; far above it the socket is closed. */
const WS_MAX_PAYLOAD = 1024 * 1024;

function hostAllowed(hostHeader: string | undefined, bindHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const allowed = new Set([`${bindHost}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);
  if (bindHost === '0.0.0.0' || bindHost === '::') return true; // told to listen everywhere
  return allowed.has(hostHeader.toLowerCase());
}

const ANY_HOSTS = new Set(['0.0.0.0', '::']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The addresses other devices can use to reach a host bound to `bindHost`: every external IPv4
 * address when bound to all interfaces, the address itself when bound to one, none on loopback.
 * Pure over the interface list (os.networkInterfaces()), so it is tested without a network.
 */
export function reachableAddresses(
  bindHost: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string[] {
  if (LOOPBACK_HOSTS.has(bindHost)) return [];
  if (!ANY_HOSTS.has(bindHost)) return [bindHost];
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      // IPv4 only: link-local IPv6 needs a zone id no tablet will type.
      if (!info.internal && info.family === 'IPv4') out.push(info.address);
    }
  }
  return [...new Set(out)];
}

function send(socket: WebSocket, message: WireMessage | ClockPing | ScreenRightsMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** A host request (pairing), or null when the frame is something else. */
function hostRequestOf(text: string): HostRequest | null {
  if (!text.includes('"host"')) return null;
  try {
    const parsed = HostRequest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A pong, or null when the frame is something else (a request). */
function clockPongOf(text: string): ClockPong | null {
  if (!text.includes('clockPong')) return null;
  try {
    const parsed = ClockPong.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const bindHost = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const remeasureMs = options.clockRemeasureMs ?? SCREEN_CLOCK_REMEASURE_MS;
  const retryMs = options.clockRetryMs ?? SCREEN_CLOCK_RETRY_MS;
  const token = options.token ?? newSessionToken();
  const devices = options.devices ?? createDeviceRegistry(now);
  const sockets = new Set<WebSocket>();
  /** The open sockets of each paired device, closed at once when it is revoked. */
  const deviceSockets = new Map<string, Set<WebSocket>>();
  /** Device links for the addresses other devices can reach (set once listening). */
  let deviceLinks: (deviceToken: string, screen: string) => string[] = () => [];
  const measured = new Set<WebSocket>();
  let port = 0;
  let csp = contentSecurityPolicy();

  async function serveFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed.\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://station.invalid');
    const file = resolveStaticPath(options.rendererDir, url.pathname);
    const headers = securityHeaders(csp);
    if (file === null) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found.\n');
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        ...headers,
        'Content-Type': contentTypeFor(file),
        'Content-Length': body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      const missingApp = url.pathname === '/' || url.pathname === '/index.html';
      res.writeHead(missingApp ? 503 : 404, {
        ...headers,
        'Content-Type': 'text/plain; charset=utf-8',
      });
      res.end(
        missingApp
          ? 'The station screen is not built yet: run `npm run build`, then reload.\n'
          : 'Not found.\n',
      );
    }
  }

  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, bindHost, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('This station only answers to its own address.\n');
      return;
    }
    serveFile(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  // Bound to every interface, the Host header can be anything a device typed, but a page's
  // Origin must still be one of the addresses this host printed (set once listening).
  let printedHosts = new Set<string>();
  const originAllowed = (originHost: string | undefined): boolean => {
    if (!ANY_HOSTS.has(bindHost)) return hostAllowed(originHost, bindHost, port);
    return originHost !== undefined && printedHosts.has(originHost.toLowerCase());
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });

  function refuse(socket: Duplex, status: string): void {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://station.invalid');
    if (url.pathname !== WS_PATH) return refuse(socket, '404 Not Found');
    if (!hostAllowed(req.headers.host, bindHost, port)) return refuse(socket, '421 Misdirected');
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(safeHost(origin))) {
      return refuse(socket, '403 Forbidden');
    }
    const given = url.searchParams.get(TOKEN_PARAM);
    let rights: ScreenRights;
    let deviceId: string | null = null;
    if (tokenMatches(token, given)) {
      // The main screen's full rights stay on the station laptop; other devices are paired.
      if (!isLoopbackPeer(req.socket.remoteAddress)) return refuse(socket, '403 Forbidden');
      rights = 'main';
    } else {
      const device = devices.find(given);
      if (device === null) return refuse(socket, '401 Unauthorized');
      rights = device.role;
      deviceId = device.id;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      screenOf.set(ws, { rights, deviceId });
      wss.emit('connection', ws, req);
    });
  });

  /** What each socket may do, decided at the upgrade from its token. */
  const screenOf = new WeakMap<WebSocket, { rights: ScreenRights; deviceId: string | null }>();

  function answerHost(ws: WebSocket, request: HostRequest, rights: ScreenRights): void {
    const refused = hostRefusal(rights);
    if (refused !== null) return send(ws, { id: request.id, ok: false, error: refused });
    const body = request.body;
    if (body.type === 'pairDevice') {
      const { device, token: deviceToken } = devices.pair(body.role, body.name);
      const links = deviceLinks(deviceToken, SCREEN_OF_ROLE[body.role]);
      return send(ws, {
        id: request.id,
        ok: true,
        result: {
          device,
          // Once, to the main screen only, to show as a link and QR code; never logged.
          token: deviceToken,
          links,
          note:
            links.length > 0
              ? null
              : 'This station listens on this laptop only: start it with --host 0.0.0.0 so other devices can reach it.',
        },
      });
    }
    if (body.type === 'devices') {
      return send(ws, { id: request.id, ok: true, result: devices.list() });
    }
    const revoked = devices.revoke(body.id);
    for (const other of deviceSockets.get(body.id) ?? []) other.close(4001, 'revoked');
    deviceSockets.delete(body.id);
    send(ws, { id: request.id, ok: true, result: { revoked } });
  }

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    sockets.add(ws);
    const { rights, deviceId } = screenOf.get(ws) ?? { rights: 'display' as const, deviceId: null };
    if (deviceId !== null) {
      const mine = deviceSockets.get(deviceId) ?? new Set<WebSocket>();
      mine.add(ws);
      deviceSockets.set(deviceId, mine);
    }
    const url = new URL(req.url ?? '/', 'http://station.invalid');
    // First, what this screen may do: a paired device's screen shows only its own screen.
    if (url.searchParams.get(RIGHTS_PARAM) === '1') send(ws, { screenRights: rights });
    const unsubscribe = options.api.subscribe((event) => send(ws, { event }));
    // The screen's clock: measured by pings when the screen answers them,
    // in rounds of SCREEN_CLOCK_PINGS; again every `remeasureMs`, and every `retryMs` while
    // unmeasured (a stepped clock or a slow first answer is caught). The latest trusted round's best answer is in force.
    const answersPings = url.searchParams.get(CLOCK_PARAM) === '1';
    const pingSentAt = new Map<number, number>(); // this round's pings waiting for an answer
    let round: ScreenClockSample[] = [];
    let roundPings = 0;
    let nextPing = 0;
    let offset: ScreenOffset | null = null;
    let measuredAt = -Infinity;
    const ping = () => {
      const n = nextPing++;
      roundPings += 1;
      pingSentAt.set(n, now());
      send(ws, { clockPing: n });
    };
    const startRound = () => {
      pingSentAt.clear(); // a late answer to an earlier round is not used
      round = [];
      roundPings = 0;
      ping();
    };
    let clockTimer: ReturnType<typeof setInterval> | null = null;
    if (answersPings) {
      startRound();
      clockTimer = setInterval(() => {
        if (!trusted(offset) || now() - measuredAt >= remeasureMs) startRound();
      }, retryMs);
    }
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send(ws, { id: null, ok: false, error: 'The station only reads text messages (JSON).' });
        return;
      }
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      const pong = clockPongOf(text);
      if (pong !== null) {
        const sentAt = pingSentAt.get(pong.n);
        pingSentAt.delete(pong.n);
        if (sentAt === undefined) return; // not a ping of this round (or answered twice)
        round.push({ sentAt, receivedAt: now(), clientAt: pong.clientAt });
        const estimate = estimateScreenOffset(round);
        if (trusted(estimate)) {
          offset = estimate;
          measuredAt = now();
          measured.add(ws);
        }
        if (roundPings < SCREEN_CLOCK_PINGS) ping();
        return;
      }
      const host = hostRequestOf(text);
      if (host !== null) return answerHost(ws, host, rights);
      const parsed = parseWireText(text);
      if (!parsed.ok) return send(ws, parsed.message);
      if (parsed.request.kind === 'command') {
        const refused = commandRefusal(rights, parsed.request.body.type);
        if (refused !== null) {
          return send(ws, {
            id: parsed.request.id,
            ok: true,
            result: { ok: false, error: refused },
          });
        }
      } else {
        const refused = queryRefusal(rights, parsed.request.body.type);
        if (refused !== null) return send(ws, { id: parsed.request.id, ok: false, error: refused });
      }
      const inHostClock = tapInHostClock(parsed.request, offset, now());
      if (!inHostClock.ok) {
        // A refused command is an answer like the core's refusals (nothing saved, a reason).
        send(ws, {
          id: parsed.request.id,
          ok: true,
          result: { ok: false, error: inHostClock.error },
        });
        return;
      }
      void runRequest(options.api, inHostClock.request).then((answer) => send(ws, answer));
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (clockTimer !== null) clearInterval(clockTimer);
      unsubscribe();
      sockets.delete(ws);
      measured.delete(ws);
      if (deviceId !== null) deviceSockets.get(deviceId)?.delete(ws);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  // Bound to every interface, this laptop itself still opens the loopback address.
  const urlHost = ANY_HOSTS.has(bindHost) ? '127.0.0.1' : bracket(bindHost);
  const origin = `http://${urlHost}:${port}`;
  const lanHosts = reachableAddresses(
    bindHost,
    (options.networkInterfaces ?? networkInterfaces)(),
  ).map(bracket);
  csp = contentSecurityPolicy({
    connect: [...new Set([urlHost, ...lanHosts])].map((h) => `ws://${h}:${port}`),
  });
  printedHosts = new Set(
    [urlHost, 'localhost', ...lanHosts].map((h) => `${h}:${port}`.toLowerCase()),
  );
  const withToken = (base: string) => `${base}/?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
  const lanBases = lanHosts.filter((h) => h !== urlHost).map((h) => `http://${h}:${port}`);
  deviceLinks = (deviceToken, screen) =>
    lanBases.map(
      (base) => `${base}/?${TOKEN_PARAM}=${encodeURIComponent(deviceToken)}&screen=${screen}`,
    );
  // The link printed for another device is a Chute screen's own, not the main screen's token.
  const printedChute =
    lanBases.length > 0 ? devices.pair('chute', 'Chute screen (link printed at start)') : null;

  let closing: Promise<void> | null = null;
  return {
    url: withToken(origin),
    origin,
    lanUrls: printedChute === null ? [] : deviceLinks(printedChute.token, 'chute'),
    token,
    port,
    connections: () => sockets.size,
    devices,
    measuredScreens: () => measured.size,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
