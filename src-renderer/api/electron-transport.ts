// The Electron transport: the preload's `window.chute` bridge (PreloadBridge of wire.ts).
import type { PreloadBridge } from '../../src-shared/wire';
import type { LinkState } from '../lib/sync-status';
import type { Transport } from './client';

export function isPreloadBridge(value: unknown): value is PreloadBridge {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.command === 'function' &&
    typeof v.query === 'function' &&
    typeof v.subscribe === 'function'
  );
}

export function createElectronTransport(bridge: PreloadBridge): Transport & {
  onLink(listener: (state: LinkState) => void): () => void;
} {
  return {
    request: (kind, body) => (kind === 'command' ? bridge.command(body) : bridge.query(body)),
    subscribe: (listener) => bridge.subscribe(listener),
    // IPC to our own main process is always up while the window exists.
    onLink(listener) {
      listener('open');
      return () => {};
    },
  };
}
