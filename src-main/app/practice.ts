// Practice mode: a local RunSignup (the emulator) in this process, on a free loopback port, and
// a connection to it with its practice credentials. Nothing leaves the machine.
import { startEmulator, type RunningEmulator } from '../runsignup/emulator';
import type { Connection } from '../../src-shared/station-api';
import type { PracticeFactory, PracticeHost } from './ports';

export async function startPracticeHost(seed: number): Promise<PracticeHost> {
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed });
  return { ...practiceHostOver(emulator), fresh: true, close: () => emulator.close() };
}

/**
 * A practice host over an emulator someone else started and will close (several stations on
 * one practice race: a finish and a split station post to the SAME practice RunSignup). Its
 * close() leaves the emulator running.
 */
export function practiceHostOver(emulator: RunningEmulator): PracticeHost {
  return {
    connection: practiceConnection(emulator),
    emulator,
    fresh: false,
    close: async () => {},
  };
}

/**
 * The api-key connection to an emulator with its practice credentials. It carries the app's
 * caller registration too: the practice RunSignup requires it like the real one.
 */
export function practiceConnection(
  emulator: RunningEmulator,
): Extract<Connection, { auth: 'api-key' }> {
  const { apiKey, apiSecret, callerToken, callerSecret } = emulator.practice.credentials;
  return { auth: 'api-key', baseUrl: emulator.url, apiKey, apiSecret, callerToken, callerSecret };
}

/** The practice factory: a shared emulator when given one (the seed is then its own), else a new one. */
export function practiceFactory(shared?: RunningEmulator): PracticeFactory {
  if (!shared) return startPracticeHost;
  return async () => practiceHostOver(shared);
}
