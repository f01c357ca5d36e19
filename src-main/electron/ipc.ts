// IPC between the preload and main: the channel names, who may call, and what a message may
// hold. Main trusts nothing from the renderer: the sender must be the main frame of our own
// window showing our own page, and the body is parsed with the StationApi schemas.
import { Command, Query, type StationEvent } from '../../src-shared/station-api';
import { describeIssues } from '../../src-shared/zod-issues';
import { isAppUrl } from './navigation';

export { IPC_COMMAND, IPC_EVENT, IPC_QUERY, type IpcAnswer } from './channels';

export interface SenderFacts {
  /** `event.sender.id`. */
  webContentsId: number;
  /** Whether `event.senderFrame` is `event.sender.mainFrame`. */
  isMainFrame: boolean;
  /** `event.senderFrame.url` (null when the frame is gone). */
  frameUrl: string | null;
}

export function isTrustedSender(facts: SenderFacts, windowWebContentsId: number | null): boolean {
  return (
    windowWebContentsId !== null &&
    facts.webContentsId === windowWebContentsId &&
    facts.isMainFrame &&
    facts.frameUrl !== null &&
    isAppUrl(facts.frameUrl)
  );
}

export type IpcParse<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseIpcCommand(body: unknown): IpcParse<Command> {
  const parsed = Command.safeParse(body);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : {
        ok: false,
        error: `The station did not understand the command (${describeIssues(parsed.error)}).`,
      };
}

export function parseIpcQuery(body: unknown): IpcParse<Query> {
  const parsed = Query.safeParse(body);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : {
        ok: false,
        error: `The station did not understand the query (${describeIssues(parsed.error)}).`,
      };
}

export type { StationEvent };
