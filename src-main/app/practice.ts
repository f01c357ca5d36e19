// Practice mode: a local RunSignup (the emulator) in this process, on a free loopback port, and
// a connection to it with its practice credentials. Nothing leaves the machine.
import { startEmulator } from '../runsignup/emulator';
import type { PracticeHost } from './ports';

export async function startPracticeHost(seed: number): Promise<PracticeHost> {
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed });
  const { apiKey, apiSecret } = emulator.practice.credentials;
  return {
    connection: { auth: 'api-key', baseUrl: emulator.url, apiKey, apiSecret },
    emulator,
    close: () => emulator.close(),
  };
}
