// The screen's state (zustand, vanilla so it can be tested in node with a fake StationApi).
// The station is the truth: the snapshot is only ever replaced by a fresh one from it, and an
// action counts as saved only when its CommandResult came back ok.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  BibLookup,
  Command,
  CommandResult,
  CrossingView,
  DeltaCursor,
  Snapshot,
  StationApi,
  StationEvent,
  SyncStatus,
  Warning,
} from '../src-shared/station-api';
import { JOURNAL_COMMAND_TYPES } from '../src-shared/station-api';
import { sanitizeBibText, type Screen } from './lib/keys';
import { gunChanges } from './lib/guns';
import { provisionalRow, withProvisional, type TypedRunner } from './lib/provisional';
import { reuseRows } from './lib/rows';
import { changedStep, mergeRows, orderCrossings, rowsStep } from './lib/deltas';
import { moveSelection, reconcileSelection } from './lib/selection';
import type { LinkState, Tone } from './lib/sync-status';
import { lockedScreen, type ScreenRights } from './lib/rights';

export interface PendingCommand {
  id: number;
  label: string;
  /** The time-only crossing this command is filling (so the next bib fills the one after). */
  fillsTap: number | null;
  startedAt: number;
}

export interface Notice {
  tone: Tone;
  text: string;
  warnings: Warning[];
  at: number;
}

export interface Progress {
  task: string;
  done: number;
  total: number | null;
}

export interface ChuteState {
  screen: Screen;
  /** What the host said this screen may do (null: not said; the Electron shell never says). */
  rights: ScreenRights | null;
  /** The one screen shown on a paired device (see lib/rights.ts), or null when all are open. */
  locked: Screen | null;
  link: LinkState;
  snapshot: Snapshot | null;
  /**
   * Voided crossings among the snapshot's, newest first: listed struck through, kept out of
   * `snapshot.crossings` so nothing (selection, time-first, line-up) counts them.
   */
  voidedRows: CrossingView[];
  snapshotError: string | null;
  sync: SyncStatus | null;
  bibText: string;
  lookup: BibLookup | null;
  selected: number | null;
  /** The other end of a selected block (Shift+↑/↓); null for a single row. */
  anchor: number | null;
  /** Sentences about guns that changed since the screen first loaded (shared guns). */
  gunNotices: string[];
  dialogOpen: boolean;
  pending: PendingCommand[];
  notice: Notice | null;
  progress: Progress | null;
}

export interface ChuteActions {
  /** Switches screens; a locked screen (a paired device) stays on its own. */
  setScreen(screen: Screen): void;
  /** The screen named in the page's address (`?screen=`): opened first, and locks a device's link. */
  openAddressScreen(asked: Screen | null): void;
  setBibText(text: string): void;
  select(tapSeq: number | null): void;
  moveSelection(direction: -1 | 1): void;
  /** Stretches the selection into a block, keeping where it started as the anchor. */
  extendSelection(direction: -1 | 1): void;
  dismissGunNotices(): void;
  setDialogOpen(open: boolean): void;
  refresh(): Promise<void>;
  /** Sends a command; resolves with its result after the notice and a fresh snapshot are set. */
  run(
    command: Command,
    label: string,
    opts?: { fillsTap?: number | null; runner?: TypedRunner | null },
  ): Promise<CommandResult>;
  dismissNotice(): void;
  /** Shows an outcome that needed no command (e.g. "select a row first"), with its sound. */
  notify(tone: Tone, text: string): void;
  start(): () => void;
}

export type ChuteStore = StoreApi<ChuteState & ChuteActions>;

export interface StoreDeps {
  api: StationApi;
  onLink?: (listener: (state: LinkState) => void) => () => void;
  /** What the host says this screen's token allows (the web host; absent in Electron). */
  onRights?: (listener: (rights: ScreenRights) => void) => () => void;
  /** Called once per command outcome (plays the success/warning/error sound). */
  onOutcome?: (tone: Tone) => void;
  now?: () => number;
  /**
   * How many crossings the snapshot brings. A screenful and some history: every command
   * reloads it, so its size is paid on every key (time-first fill is the core's job, `order`).
   */
  snapshotLimit?: number;
}

/** How many of its own entries a screen can take back one by one with Ctrl+Z. */
const MAX_OWN = 1000;

/** A command that writes one journal entry Ctrl+Z can take back (not an undo itself). */
export function isEntry(c: Command): boolean {
  return ENTRY_TYPES.has(c.type);
}
const ENTRY_TYPES: ReadonlySet<Command['type']> = new Set<Command['type']>(
  JOURNAL_COMMAND_TYPES.filter((type) => type !== 'undo'),
);

export { orderCrossings };

type RowsEvent = Extract<StationEvent, { type: 'rows' }>;

/** Whether a sync status change can have changed any row's sync state. */
export function syncMoved(before: SyncStatus | null, after: SyncStatus): boolean {
  return (
    before === null ||
    before.pending !== after.pending ||
    before.attention !== after.attention ||
    before.lastSuccessAt !== after.lastSuccessAt
  );
}

export function toneOf(result: CommandResult): Tone {
  if (!result.ok) return 'error';
  return result.warnings.length > 0 ? 'warn' : 'ok';
}

export function createChuteStore(deps: StoreDeps): ChuteStore {
  const now = deps.now ?? (() => Date.now());
  const limit = deps.snapshotLimit ?? 100;
  let nextPendingId = 1;
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;
  let lookupToken = 0;
  // Rows drawn from a `tap` answer, kept until a snapshot that includes them arrives (a snapshot
  // asked for just before the commit must not make a saved row vanish for a moment).
  let provisional: CrossingView[] = [];
  // Ctrl+Z takes back THIS screen's entries (another screen on the station has its own): the
  // seqs this screen saved, newest last, popped as they are undone. `madeEntries` tells a screen
  // that has used its history up (refused here) from one that made none since it loaded (the
  // station's latest operator entry, as before: e.g. after a reload).
  let ownSeqs: number[] = [];
  // What each of those entries was ("DQ bib 3"), so an undo says what it took back.
  const ownLabels = new Map<number, string>();
  let madeEntries = false;
  let journalKey: string | null = null;
  let journalStream: string | null = null;
  // The station's change stream (DeltaCursor): the position of the rows on screen, the `rows`
  // events that arrived while a snapshot was on its way, and the latest `changed` meanwhile.
  let cursor: DeltaCursor | null = null;
  let early: RowsEvent[] = [];
  let announced: DeltaCursor | null = null;
  // The screen the page's address asked for: with the host's word, decides the lock.
  let addressScreen: Screen | null = null;

  const store = createStore<ChuteState & ChuteActions>()((set, get) => {
    const loadSnapshot = async (): Promise<void> => {
      try {
        const snapshot = await deps.api.query({ type: 'snapshot', limit, withVoided: true });
        const before = get().snapshot;
        // Another race or mode is another journal: its seqs are not this screen's entries.
        const key = `${snapshot.mode}:${snapshot.config?.raceId ?? ''}`;
        if (journalKey !== null && key !== journalKey) ownSeqs = [];
        // A journal only grows: a shorter one is another file (a restored backup).
        if (before !== null && snapshot.journalLength < before.journalLength) ownSeqs = [];
        // Each opening of the station file starts a new change stream: after a restore (here or
        // from another screen) the same seqs may name other entries, even in a journal as long.
        const stream = snapshot.delta?.stream ?? null;
        if (journalStream !== null && stream !== null && stream !== journalStream) ownSeqs = [];
        if (stream !== null) journalStream = stream;
        journalKey = key;
        // Changes sent while the snapshot was on its way: those after it are applied in order.
        let at = snapshot.delta ?? null;
        // Voided crossings are in the window with the others until the rows are parted below.
        let shown = orderCrossings(snapshot.crossings);
        let journalLength = snapshot.journalLength;
        for (const event of early) {
          const step = rowsStep(at, event.delta);
          if (step === 'skip') continue;
          if (step === 'reload') {
            refreshAgain = true;
            break;
          }
          shown = mergeRows(shown, event.crossings, limit);
          journalLength = Math.max(journalLength, event.journalLength);
          at = event.delta;
        }
        if (announced !== null && changedStep(at, announced) === 'reload') refreshAgain = true;
        early = [];
        announced = null;
        cursor = at;
        provisional = provisional.filter((r) => r.tapSeq > journalLength);
        const voidedRows = shown.filter((c) => c.voided);
        // Unchanged rows keep their objects so the memoised list re-renders only what changed.
        const rows = provisional.reduce(
          withProvisional,
          reuseRows(
            before?.crossings ?? [],
            shown.filter((c) => !c.voided),
          ),
        );
        const seqs = rows.map((r) => r.tapSeq);
        const selected = reconcileSelection(seqs, get().selected);
        const names = new Map((snapshot.config?.events ?? []).map((e) => [e.eventId, e.name]));
        const changed = gunChanges(
          before?.guns ?? null,
          snapshot.guns,
          (id) => names.get(id) ?? `event ${id}`,
          snapshot.config?.timeZone ?? null,
        );
        set({
          snapshot: { ...snapshot, crossings: rows, journalLength },
          voidedRows: reuseRows(get().voidedRows, voidedRows),
          sync: snapshot.sync,
          snapshotError: null,
          selected,
          anchor: selected === null ? null : reconcileSelection(seqs, get().anchor),
          ...(changed.length > 0
            ? { gunNotices: [...get().gunNotices, ...changed].slice(-4) }
            : {}),
        });
      } catch (error) {
        set({ snapshotError: error instanceof Error ? error.message : String(error) });
      }
    };

    /** The rows a `rows` event changed, put in place without a snapshot. */
    const applyRows = (event: RowsEvent): void => {
      const shown = get().snapshot;
      if (shown === null) {
        void get().refresh();
        return;
      }
      cursor = event.delta;
      const journalLength = Math.max(shown.journalLength, event.journalLength);
      provisional = provisional.filter((r) => r.tapSeq > journalLength);
      // A voided crossing comes as a row too (struck on every screen), and one brought back by
      // an undo: the station's window counts both, so they are merged together, then parted.
      const before = get().voidedRows;
      const merged = mergeRows(
        [...shown.crossings.filter((r) => r.tapSeq <= shown.journalLength), ...before],
        event.crossings,
        limit,
      );
      const voided = merged.filter((r) => r.voided);
      const rows = provisional.reduce(
        withProvisional,
        merged.filter((r) => !r.voided),
      );
      const seqs = rows.map((r) => r.tapSeq);
      const selected = reconcileSelection(seqs, get().selected);
      const sameVoided = voided.length === before.length && voided.every((r, i) => r === before[i]);
      set({
        ...(sameVoided ? {} : { voidedRows: voided }),
        snapshot: { ...shown, crossings: rows, journalLength },
        selected,
        anchor: selected === null ? null : reconcileSelection(seqs, get().anchor),
      });
    };

    const onChange = (event: StationEvent): void => {
      if (event.type === 'rows') {
        // While a snapshot is on its way, its own position decides (see loadSnapshot).
        if (refreshing) early.push(event);
        else {
          const step = rowsStep(cursor, event.delta);
          if (step === 'apply') applyRows(event);
          else if (step === 'reload') void get().refresh();
        }
      } else if (event.type === 'changed') {
        if (refreshing && event.delta !== undefined) announced = event.delta;
        else if (changedStep(cursor, event.delta) === 'reload') void get().refresh();
      }
    };

    const trackOwn = (
      command: Command,
      label: string,
      result: CommandResult,
      thrown: boolean,
    ): void => {
      if (
        command.type === 'configure' ||
        command.type === 'connect' ||
        command.type === 'restoreBackup'
      ) {
        if (result.ok) ownSeqs = [];
      } else if (command.type === 'undo') {
        // Undone, or refused for good (already undone, not an entry made here): it stays off
        // the list (taken off when sent). An undo that never reached the station puts it back.
        const target = command.targetSeq;
        if (target !== undefined && thrown && !ownSeqs.includes(target)) {
          ownSeqs = [...ownSeqs, target].sort((a, b) => a - b);
        }
      } else if (result.ok && result.seq !== null && isEntry(command)) {
        ownSeqs = [...ownSeqs, result.seq].slice(-MAX_OWN);
        ownLabels.set(result.seq, label);
        for (const seq of ownLabels.keys()) if (seq < (ownSeqs[0] ?? 0)) ownLabels.delete(seq);
        madeEntries = true;
      }
    };

    const lookup = async (text: string): Promise<void> => {
      const token = ++lookupToken;
      if (text === '') {
        set({ lookup: null });
        return;
      }
      try {
        const result = await deps.api.query({ type: 'lookupBib', bib: text });
        // Typing is faster than the answers: only the answer to the latest text counts.
        if (token === lookupToken) set({ lookup: result });
      } catch (error) {
        if (token === lookupToken) {
          set({
            lookup: {
              bib: null,
              participant: null,
              eventName: null,
              warnings: [],
              error: error instanceof Error ? error.message : String(error),
            },
          });
        }
      }
    };

    /** The lock from the host's word and the address; a locked screen shows its own screen. */
    const applyLock = (rights: ScreenRights | null): void => {
      const locked = lockedScreen(rights, addressScreen);
      set({ rights, locked, ...(locked !== null ? { screen: locked } : {}) });
    };

    return {
      screen: 'timing',
      rights: null,
      locked: null,
      link: 'connecting',
      snapshot: null,
      voidedRows: [],
      snapshotError: null,
      sync: null,
      bibText: '',
      lookup: null,
      selected: null,
      anchor: null,
      gunNotices: [],
      dialogOpen: false,
      pending: [],
      notice: null,
      progress: null,

      setScreen(screen) {
        const locked = get().locked;
        set({ screen: locked ?? screen });
      },
      openAddressScreen(asked) {
        addressScreen = asked;
        if (asked !== null) set({ screen: asked });
        applyLock(get().rights);
      },
      setBibText(text) {
        const clean = sanitizeBibText(text);
        if (clean === get().bibText) return;
        set({ bibText: clean });
        void lookup(clean);
      },
      select: (tapSeq) => set({ selected: tapSeq, anchor: null }),
      moveSelection(direction) {
        const rows = get().snapshot?.crossings.map((c) => c.tapSeq) ?? [];
        set({ selected: moveSelection(rows, get().selected, direction), anchor: null });
      },
      extendSelection(direction) {
        const rows = get().snapshot?.crossings.map((c) => c.tapSeq) ?? [];
        const { selected, anchor } = get();
        set({
          anchor: anchor ?? selected ?? rows[0] ?? null,
          selected: moveSelection(rows, selected, direction),
        });
      },
      dismissGunNotices: () => set({ gunNotices: [] }),
      setDialogOpen: (open) => set({ dialogOpen: open }),

      refresh() {
        // Coalesce: while one snapshot is loading, any number of change events cause ONE more.
        if (refreshing) {
          refreshAgain = true;
          return refreshing;
        }
        refreshing = (async () => {
          do {
            refreshAgain = false;
            await loadSnapshot();
          } while (refreshAgain);
          refreshing = null;
        })();
        return refreshing;
      },

      async run(asked, label, opts) {
        const ownUndo = asked.type === 'undo' && asked.targetSeq === undefined;
        const own = ownUndo ? ownSeqs.at(-1) : undefined;
        if (ownUndo && own === undefined && madeEntries) {
          const refused: CommandResult = {
            ok: false,
            error:
              'Nothing left to undo on this screen (entries made on another screen are theirs)',
          };
          set({
            notice: {
              tone: 'error',
              text: `NOT saved: ${label} — ${refused.error}`,
              warnings: [],
              at: now(),
            },
          });
          deps.onOutcome?.('error');
          return refused;
        }
        let command = asked;
        if (own !== undefined) {
          // Taken off at once: a second Ctrl+Z before the answer takes the entry before.
          ownSeqs = ownSeqs.slice(0, -1);
          command = { type: 'undo', targetSeq: own };
        }
        const entry: PendingCommand = {
          id: nextPendingId++,
          label,
          fillsTap: opts?.fillsTap ?? null,
          startedAt: now(),
        };
        set({ pending: [...get().pending, entry] });
        let result: CommandResult;
        let thrown = false;
        try {
          result = await deps.api.command(command);
        } catch (error) {
          thrown = true;
          result = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
        trackOwn(command, label, result, thrown);
        const tone = toneOf(result);
        // A saved crossing shows at once, drawn from the answer; the snapshot on its way
        // replaces it with the full row (place, time). Only after the core said ok.
        const shownNow = get().snapshot;
        let drawn = {};
        if (
          result.ok &&
          result.seq !== null &&
          command.type === 'tap' &&
          shownNow !== null &&
          shownNow.journalLength < result.seq
        ) {
          const row = provisionalRow(command, result.seq, opts?.runner ?? null);
          provisional = [...provisional, row];
          drawn = {
            snapshot: { ...shownNow, crossings: withProvisional(shownNow.crossings, row) },
          };
        }
        // An undo says what it took back, not just "undo".
        const undone =
          command.type === 'undo'
            ? `Undone: ${(own !== undefined && ownLabels.get(own)) || 'the latest entry'}`
            : null;
        set({
          ...drawn,
          pending: get().pending.filter((p) => p.id !== entry.id),
          notice: {
            tone,
            text: result.ok
              ? (undone ?? `Saved: ${label}`)
              : `NOT saved: ${label} — ${result.error}`,
            warnings: result.ok ? result.warnings : [],
            at: now(),
          },
        });
        deps.onOutcome?.(tone);
        // The station's change event usually has a snapshot on its way already; load another
        // only when the one on screen does not yet include this entry.
        if (refreshing) await refreshing;
        const shown = get().snapshot?.journalLength ?? 0;
        if (!result.ok || result.seq === null || shown < result.seq) await get().refresh();
        return result;
      },

      dismissNotice: () => set({ notice: null }),
      notify(tone, text) {
        set({ notice: { tone, text, warnings: [], at: now() } });
        deps.onOutcome?.(tone);
      },

      start() {
        const offEvents = deps.api.subscribe((event) => {
          if (event.type === 'changed' || event.type === 'rows') onChange(event);
          else if (event.type === 'sync') {
            const before = get().sync;
            set({ sync: event.sync });
            // Rows change sync state (saved → sent, attention) without a journal change: a
            // station that sends its changes as rows says so itself; from one that does not,
            // reload the rows when the queue moved.
            if (cursor === null && syncMoved(before, event.sync)) void get().refresh();
          } else if (event.type === 'clock') {
            const shown = get().snapshot;
            if (shown !== null) set({ snapshot: { ...shown, clock: event.clock } });
          } else if (event.type === 'progress') {
            const done = event.total !== null && event.done >= event.total;
            set({
              progress: done ? null : { task: event.task, done: event.done, total: event.total },
            });
          }
        });
        const offRights = deps.onRights?.((rights) => applyLock(rights)) ?? (() => {});
        const offLink =
          deps.onLink?.((link) => {
            set({ link });
            if (link === 'open') void get().refresh();
          }) ?? (() => {});
        if (!deps.onLink) {
          set({ link: 'open' });
          void get().refresh();
        }
        return () => {
          offEvents();
          offRights();
          offLink();
        };
      },
    };
  });
  return store;
}
