// Turning a (schema-valid) journal command into the journal payload it means, or a sentence
// saying why not. Pure: everything it needs to know about the station comes in `view`.
import { parseBibText } from '../../src-shared/bib';
import type { JournalPayload, ResultStatus, StationConfig } from '../../src-shared/domain';
import { JOURNAL_COMMAND_TYPES, type Command } from '../../src-shared/station-api';
import type { Crossing } from './projection';

export const JOURNAL_COMMANDS = JOURNAL_COMMAND_TYPES;
export type JournalCommand = Extract<Command, { type: (typeof JOURNAL_COMMANDS)[number] }>;

export function isJournalCommand(c: Command): c is JournalCommand {
  return (JOURNAL_COMMANDS as readonly string[]).includes(c.type);
}

/** A key event may come from a renderer whose clock runs a little ahead of ours. */
export const MAX_FUTURE_MS = 2_000;
/** Older than this is a typo or a broken clock, not a race being timed. */
export const MAX_AGE_MS = 7 * 24 * 3_600_000;
/** A station clock more than a day off is a wrong setting, not drift. */
export const MAX_OFFSET_MS = 24 * 3_600_000;

export interface ValidationView {
  now: number;
  config: StationConfig;
  crossing(tapSeq: number): Crossing | null;
  statusOf(bib: number): ResultStatus | null;
  undoTarget(): number | null;
  /** A journal entry by seq with whether it is in force (not undone), or null. */
  entry(seq: number): { payload: JournalPayload; active: boolean } | null;
  /** The live crossings from..to (inclusive) in crossing order (a shift's block). */
  block(fromTapSeq: number, toTapSeq: number): Crossing[];
}

export type Validated = { ok: true; payload: JournalPayload } | { ok: false; error: string };

const fail = (error: string): Validated => ({ ok: false, error });
const ok = (payload: JournalPayload): Validated => ({ ok: true, payload });

/** A time the station can believe for a key event, or why not. */
export function checkPlausibleTime(at: number, now: number, what: string): string | null {
  if (at > now + MAX_FUTURE_MS) {
    return `${what} is ${Math.round((at - now) / 1000)} s in the future: check this computer's clock`;
  }
  if (at < now - MAX_AGE_MS) return `${what} is more than 7 days old: check the time`;
  return null;
}

function liveTap(view: ValidationView, tapSeq: number): { crossing: Crossing } | { error: string } {
  const c = view.crossing(tapSeq);
  if (!c) return { error: `Entry ${tapSeq} is not a crossing` };
  if (c.voided) return { error: `Crossing ${tapSeq} was removed` };
  return { crossing: c };
}

function bibOf(text: string): { bib: number } | { error: string } {
  const parsed = parseBibText(text);
  return parsed.ok ? { bib: parsed.bib } : { error: parsed.error };
}

export function toJournalPayload(cmd: JournalCommand, view: ValidationView): Validated {
  switch (cmd.type) {
    case 'tap': {
      const late = checkPlausibleTime(cmd.at, view.now, 'The crossing time');
      if (late) return fail(late);
      const unreadable = cmd.unreadable ?? false;
      // An empty bib field is a time-only tap (time-first capture).
      const text = cmd.bib?.trim() ?? '';
      if (text === '') return ok({ kind: 'tap', at: cmd.at, bib: null, unreadable });
      if (unreadable) return fail('An unreadable-bib placeholder cannot also have a bib');
      const b = bibOf(text);
      if ('error' in b) return fail(b.error);
      return ok({ kind: 'tap', at: cmd.at, bib: b.bib, unreadable: false });
    }
    case 'assign': {
      const t = liveTap(view, cmd.tapSeq);
      if ('error' in t) return fail(t.error);
      const text = cmd.bib?.trim() ?? '';
      if (cmd.bib === null || text === '') {
        if (t.crossing.bib === null) return fail(`Crossing ${cmd.tapSeq} has no bib to take away`);
        return ok({ kind: 'assign', tapSeq: cmd.tapSeq, bib: null });
      }
      const b = bibOf(text);
      if ('error' in b) return fail(b.error);
      if (t.crossing.bib === b.bib) return fail(`Crossing ${cmd.tapSeq} already has bib ${b.bib}`);
      return ok({ kind: 'assign', tapSeq: cmd.tapSeq, bib: b.bib });
    }
    case 'adjust': {
      const t = liveTap(view, cmd.tapSeq);
      if ('error' in t) return fail(t.error);
      const late = checkPlausibleTime(cmd.at, view.now, 'The corrected time');
      if (late) return fail(late);
      return ok({ kind: 'adjust', tapSeq: cmd.tapSeq, at: cmd.at });
    }
    case 'void': {
      const t = liveTap(view, cmd.tapSeq);
      if ('error' in t) return fail(t.error);
      return ok({ kind: 'void', tapSeq: cmd.tapSeq });
    }
    case 'status': {
      const b = bibOf(cmd.bib);
      if ('error' in b) return fail(b.error);
      if (cmd.status === null && view.statusOf(b.bib) === null) {
        return fail(`Bib ${b.bib} has no status to lift`);
      }
      return ok({ kind: 'status', bib: b.bib, status: cmd.status });
    }
    case 'clear': {
      const b = bibOf(cmd.bib);
      if ('error' in b) return fail(b.error);
      return ok({ kind: 'clear', bib: b.bib });
    }
    case 'gun': {
      if (!view.config.events.some((e) => e.eventId === cmd.eventId)) {
        return fail(`Event ${cmd.eventId} is not timed by this station`);
      }
      const late = checkPlausibleTime(cmd.at, view.now, 'The gun time');
      if (late) return fail(late);
      return ok({
        kind: 'gun',
        eventId: cmd.eventId,
        at: cmd.at,
        ...(cmd.pressed === true ? { pressed: true } : {}),
      });
    }
    case 'offset': {
      if (Math.abs(cmd.ms) > MAX_OFFSET_MS) {
        return fail('A clock offset of more than a day is not drift: set this computer’s clock');
      }
      return ok({ kind: 'offset', ms: cmd.ms });
    }
    case 'undo': {
      if (cmd.targetSeq !== undefined) return checkUndoTarget(cmd.targetSeq, view);
      const target = view.undoTarget();
      if (target === null) return fail('Nothing to undo');
      return ok({ kind: 'undo', targetSeq: target });
    }
    case 'shift':
      return checkShift(cmd, view);
    case 'order': {
      const b = bibOf(cmd.bib);
      if ('error' in b) return fail(b.error);
      return ok({ kind: 'order', bib: b.bib });
    }
  }
}

/**
 * An undo naming its entry (the screen's own latest one, so two screens on one station never undo
 * each other's work): it must be an operator entry still in force, the same kinds Ctrl+Z undoes.
 */
function checkUndoTarget(targetSeq: number, view: ValidationView): Validated {
  const e = view.entry(targetSeq);
  if (!e) return fail(`Entry ${targetSeq} does not exist: nothing to undo`);
  if (e.payload.kind === 'undo') return fail(`Entry ${targetSeq} is an undo: it cannot be undone`);
  if (e.payload.kind === 'gun' && e.payload.source === 'runsignup') {
    return fail(`Entry ${targetSeq} is RunSignup's start time, not an entry made here`);
  }
  if (!e.active) return fail(`That entry (${targetSeq}) was already undone`);
  return ok({ kind: 'undo', targetSeq });
}

/**
 * A shift must name two live crossings in crossing order, and lose nothing: the crossing at the
 * end the bibs move onto must have no bib (`later`: the last one, `earlier`: the first). Every
 * refusal says what to do instead.
 */
function checkShift(
  cmd: Extract<JournalCommand, { type: 'shift' }>,
  view: ValidationView,
): Validated {
  const from = liveTap(view, cmd.fromTapSeq);
  if ('error' in from) return fail(from.error);
  const to = liveTap(view, cmd.toTapSeq);
  if ('error' in to) return fail(to.error);
  const f = from.crossing;
  const t = to.crossing;
  if (f.at > t.at || (f.at === t.at && f.tapSeq > t.tapSeq)) {
    return fail(
      `Crossing ${f.tapSeq} comes after crossing ${t.tapSeq}: choose the earlier crossing as the start of the block`,
    );
  }
  if (f.tapSeq === t.tapSeq) {
    return fail('A shift needs a block of at least two crossings: choose a different end');
  }
  const open = cmd.direction === 'later' ? t : f;
  if (open.bib !== null) {
    const side = cmd.direction === 'later' ? 'last' : 'first';
    return fail(
      `The ${side} crossing of the block (${open.tapSeq}) has bib ${open.bib}: shifting ${cmd.direction} would push it out. ` +
        `Extend the block to a crossing without a bib, or insert the missing crossing first (a tap with its time)`,
    );
  }
  const block = view.block(cmd.fromTapSeq, cmd.toTapSeq);
  if (!block.some((c) => c.bib !== null)) {
    return fail(`No crossing from ${f.tapSeq} to ${t.tapSeq} has a bib: there is nothing to shift`);
  }
  // A placeholder marks its crossing, not a bib: shifting would move bibs onto or off it.
  const placeholder = block.find((c) => c.unreadable);
  if (placeholder) {
    return fail(
      `Crossing ${placeholder.tapSeq} in the block is an unreadable-bib placeholder: type its bib or remove it before shifting`,
    );
  }
  return ok({
    kind: 'shift',
    fromTapSeq: cmd.fromTapSeq,
    toTapSeq: cmd.toTapSeq,
    direction: cmd.direction,
  });
}
