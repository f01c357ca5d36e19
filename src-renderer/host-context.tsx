// Pairing reaches components through context: the web host's client, or null in the Electron
// window (no web host, no second devices).
import { createContext, useContext, useEffect, useState } from 'react';
import type { HostClient } from './api/host';

export const HostContext = createContext<HostClient | null>(null);

export function useHostClient(): HostClient | null {
  return useContext(HostContext);
}

/**
 * Whether this screen is the main screen (the Electron window, or the browser on the station
 * laptop holding the session token): the web host answers its device list and refuses it to a
 * paired device, with the sentence the screen then shows.
 */
export type ScreenRole = { kind: 'checking' } | { kind: 'main' } | { kind: 'device'; why: string };

export function useScreenRole(): ScreenRole {
  const host = useHostClient();
  const [role, setRole] = useState<ScreenRole>(
    host === null ? { kind: 'main' } : { kind: 'checking' },
  );
  useEffect(() => {
    if (host === null) return;
    let live = true;
    const ask = () =>
      host.send({ type: 'devices' }).then(
        () => live && setRole({ kind: 'main' }),
        (error: unknown) => {
          const why = error instanceof Error ? error.message : String(error);
          // Not connected yet: ask again shortly (the socket reconnects on its own).
          if (/Not connected/.test(why)) setTimeout(() => live && void ask(), 500);
          else if (live) setRole({ kind: 'device', why });
        },
      );
    void ask();
    return () => {
      live = false;
    };
  }, [host]);
  return role;
}
