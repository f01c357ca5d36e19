// How StationApi calls travel over a message channel (the web host's WebSocket; the Electron
// preload uses the same request/response shapes over IPC). Parsed on both ends.
import { z } from 'zod';
import { Command, Query, StationEvent } from './station-api';

export const WireRequest = z.discriminatedUnion('kind', [
  z.object({ id: z.number().int().nonnegative(), kind: z.literal('command'), body: Command }),
  z.object({ id: z.number().int().nonnegative(), kind: z.literal('query'), body: Query }),
]);
export type WireRequest = z.infer<typeof WireRequest>;

export const WireMessage = z.union([
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    id: z.number().int().nonnegative().nullable(),
    ok: z.literal(false),
    error: z.string(),
  }),
  z.object({ event: StationEvent }),
]);
export type WireMessage = z.infer<typeof WireMessage>;

/**
 * Requests the web host answers itself (not the station): pairing second devices. Only the main
 * screen may send them. A pairing answer carries the device's links (token included) once.
 */
export const HostCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('pairDevice'),
    role: z.enum(['chute', 'display']),
    name: z.string().max(60).default(''),
  }),
  z.object({ type: z.literal('devices') }),
  z.object({ type: z.literal('revokeDevice'), id: z.string().min(1).max(40) }),
]);
export type HostCommand = z.infer<typeof HostCommand>;
export const HostRequest = z.object({
  id: z.number().int().nonnegative(),
  kind: z.literal('host'),
  body: HostCommand,
});
export type HostRequest = z.infer<typeof HostRequest>;

/** A paired device as the main screen lists it (never its token). */
export const PairedDeviceView = z.object({
  id: z.string(),
  role: z.enum(['chute', 'display']),
  name: z.string(),
  pairedAt: z.number(),
});
export type PairedDeviceView = z.infer<typeof PairedDeviceView>;

/** The answers to each host command. */
export const HostResult = {
  pairDevice: z.object({
    device: PairedDeviceView,
    token: z.string(),
    /** The device's link for each address other devices can reach (none on loopback). */
    links: z.array(z.string()),
    /** Why there is no link (the station listens on this laptop only), else null. */
    note: z.string().nullable(),
  }),
  devices: z.array(PairedDeviceView),
  revokeDevice: z.object({ revoked: z.boolean() }),
} as const;
export type HostResultOf<C extends HostCommand> = z.infer<(typeof HostResult)[C['type']]>;

/** The web host serves the renderer at `/?token=…`; the socket is `/ws?token=…`. */
export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';

/** What the Electron preload exposes on `window.chute` (never ipcRenderer itself). */
export interface PreloadBridge {
  command(body: unknown): Promise<unknown>;
  query(body: unknown): Promise<unknown>;
  subscribe(listener: (event: unknown) => void): () => void;
}

/**
 * Socket URL parameter `clock=1`: this screen answers clock pings, so the host measures the
 * screen's clock against its own and corrects the screen's tap times (a tablet in the chute has
 * its own clock). A screen without it has its taps checked against the host's clock instead.
 */
export const CLOCK_PARAM = 'clock';
/** Host → screen, a few times on connect: "what time is it on your clock?" */
export const ClockPing = z.object({ clockPing: z.number().int().nonnegative() });
export type ClockPing = z.infer<typeof ClockPing>;
/** Screen → host, at once on a ping: the ping's number and the screen's `Date.now()`. */
export const ClockPong = z.object({
  kind: z.literal('clockPong'),
  n: z.number().int().nonnegative(),
  clientAt: z.number().finite(),
});
export type ClockPong = z.infer<typeof ClockPong>;

/** Socket URL parameter `rights=1`: the host tells this screen what its token allows (below). */
export const RIGHTS_PARAM = 'rights';
/**
 * Host → screen, once on connect when asked (`rights=1`): what this screen's token allows.
 * `main` is the station laptop's own screen (every screen and key); a paired `chute` device
 * shows only the Chute screen, a `display` only the announcer's display, with no tabs or keys
 * that would send a command. The Electron shell never sends it: its one screen is the main one.
 */
export const ScreenRights = z.object({ screenRights: z.enum(['main', 'chute', 'display']) });
export type ScreenRights = z.infer<typeof ScreenRights>;
