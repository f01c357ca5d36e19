// One StationApi over any transport. Everything that goes out is checked against the contract
// first (a clear error instead of a confusing one from the station), and everything that comes
// back is parsed with the schema of what was asked.
import {
  Command,
  CommandResult,
  Query,
  QueryResult,
  StationEvent,
  type QueryResultOf,
  type StationApi,
} from '../../src-shared/station-api';
import { describeIssues } from '../../src-shared/zod-issues';

/** A message channel to the station: request/response plus pushed events, all untyped. */
export interface Transport {
  request(kind: 'command' | 'query', body: unknown): Promise<unknown>;
  subscribe(listener: (event: unknown) => void): () => void;
}

export class StationError extends Error {
  override name = 'StationError';
}

export function createStationClient(
  transport: Transport,
  onBadEvent: (why: string) => void = (why) => console.warn(why),
): StationApi {
  return {
    async command(command: Command): Promise<CommandResult> {
      const out = Command.safeParse(command);
      if (!out.success) return { ok: false, error: `Not sent: ${describeIssues(out.error)}` };
      let raw: unknown;
      try {
        raw = await transport.request('command', out.data);
      } catch (error) {
        // A command that never reached (or never came back from) the station is reported as a
        // failed result so the screen shows it as NOT saved.
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      const parsed = CommandResult.safeParse(raw);
      if (!parsed.success) {
        return {
          ok: false,
          error: `The station's answer was malformed (${describeIssues(parsed.error)}); check the entry list before retyping`,
        };
      }
      return parsed.data;
    },
    async query<Q extends Query>(query: Q): Promise<QueryResultOf<Q>> {
      const out = Query.safeParse(query);
      if (!out.success) throw new StationError(`Query not sent: ${describeIssues(out.error)}`);
      const raw = await transport.request('query', out.data);
      const schema = QueryResult[query.type];
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        throw new StationError(
          `The station's answer to ${query.type} was malformed: ${describeIssues(parsed.error)}`,
        );
      }
      return parsed.data as QueryResultOf<Q>;
    },
    subscribe(listener) {
      return transport.subscribe((raw) => {
        const parsed = StationEvent.safeParse(raw);
        if (parsed.success) listener(parsed.data);
        else onBadEvent(`Ignored a malformed station event: ${describeIssues(parsed.error)}`);
      });
    },
  };
}
