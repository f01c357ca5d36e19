// Pairing second devices: requests the web host answers itself (not the station), over the main
// screen's socket. Bodies are checked against the contract on the way out, answers on the way
// in. The Electron window has no web host and so no second devices.
import { HostCommand, HostResult, type HostResultOf } from '../../src-shared/wire';

export interface HostClient {
  send<C extends HostCommand>(command: C): Promise<HostResultOf<C>>;
}

export function createHostClient(
  request: (kind: 'host', body: unknown) => Promise<unknown>,
): HostClient {
  return {
    async send(command) {
      const body = HostCommand.parse(command);
      const raw = await request('host', body);
      const parsed = HostResult[command.type].safeParse(raw);
      if (!parsed.success) {
        throw new Error(`The station's answer to ${command.type} was malformed.`);
      }
      return parsed.data as HostResultOf<typeof command>;
    },
  };
}
