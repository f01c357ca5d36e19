// IPC channel names, shared by main and the preload (kept import-free so the sandboxed preload
// bundle stays tiny).
export const IPC_COMMAND = 'chute:command';
export const IPC_QUERY = 'chute:query';
export const IPC_EVENT = 'chute:event';

/** What main answers an `invoke`: the same envelope as the WebSocket (minus the id). */
export type IpcAnswer = { ok: true; result: unknown } | { ok: false; error: string };
