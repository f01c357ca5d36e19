// The main screen. The bib field holds the keyboard focus for the whole race: any click
// elsewhere gives it back, unless a dialog (gun, correction) is open.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { CrossingView } from '../../src-shared/station-api';
import { useChute, useChuteStore } from '../context';
import { CorrectionDialog, type CorrectionKind } from '../components/CorrectionDialog';
import { CrossingList } from '../components/CrossingList';
import { GunDialog } from '../components/GunDialog';
import { InsertDialog } from '../components/InsertDialog';
import { NoticeLine } from '../components/NoticeLine';
import { RaceClock } from '../components/RaceClock';
import { crossingOfBib, planCorrection, type CorrectionPlan } from '../lib/corrections';
import { visibleRowCount } from '../lib/selection';
import { decideEnter, eventEpochMs, oldestUntagged, untaggedCount } from '../lib/entry';
import {
  CORRECTION_KEYS,
  FIND_KEY,
  GUN_KEY,
  LINEUP_KEYS,
  timingAction,
  type Correction,
} from '../lib/keys';
import { blockRows, planShift } from '../lib/lineup';
import { typedRunner } from '../lib/provisional';
import type { PendingCommand } from '../store';

function fillingTaps(pending: readonly PendingCommand[]): Set<number> {
  return new Set(pending.flatMap((p) => (p.fillsTap === null ? [] : [p.fillsTap])));
}

/** A status or X on a bib whose result is on RunSignup, waiting for Enter (Esc cancels). */
type Confirming = Extract<CorrectionPlan, { kind: 'command' }> & { confirm: string };

type OpenDialog =
  | { kind: 'gun'; pressedAt: number | null }
  | { kind: CorrectionKind; crossing: CrossingView }
  | { kind: 'insert'; near: number | null }
  | null;

/** Shared guns read from RunSignup that changed while this screen was open. */
function GunNotices() {
  const notices = useChute((s) => s.gunNotices);
  const dismiss = useChute((s) => s.dismissGunNotices);
  if (notices.length === 0) return null;
  return (
    <div className="gun-notice tone-warn" data-testid="gun-notice" role="alert">
      {notices.map((n) => (
        <strong key={n}>⚠ {n}</strong>
      ))}
      <button type="button" onClick={dismiss}>
        Seen
      </button>
    </div>
  );
}

/** Bibs typed in order that wait for a time-only crossing (the core's waiting list). */
export function WaitingBibs(props: { bibs: readonly number[] }) {
  if (props.bibs.length === 0) return null;
  return (
    <div className="waiting-bibs tone-warn" data-testid="waiting-bibs">
      {props.bibs.length} bib{props.bibs.length === 1 ? '' : 's'} waiting for a crossing time:{' '}
      <strong>{props.bibs.join(', ')}</strong> (the next time-only crossing takes the first)
    </div>
  );
}

export function TimingScreen() {
  const store = useChuteStore();
  const snapshot = useChute((s) => s.snapshot);
  const bibText = useChute((s) => s.bibText);
  const lookup = useChute((s) => s.lookup);
  const selected = useChute((s) => s.selected);
  const anchor = useChute((s) => s.anchor);
  const pending = useChute((s) => s.pending);
  const dialogOpen = useChute((s) => s.dialogOpen);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const crossings = snapshot?.crossings ?? [];
  const filling = fillingTaps(pending);
  const waiting = untaggedCount(crossings, filling);
  const nextSlot = waiting > 0 ? (oldestUntagged(crossings, filling)?.tapSeq ?? null) : null;
  const selectedRow = crossings.find((c) => c.tapSeq === selected) ?? null;
  const block = blockRows(crossings, anchor, selected);
  const waitingBibs = snapshot?.waitingBibs ?? [];

  // Keep the focus: on blur, and on any mousedown outside a dialog, hand it back to the field.
  useEffect(() => {
    if (dialogOpen) return;
    const refocus = () => {
      if (!store.getState().dialogOpen) input.current?.focus({ preventScroll: true });
    };
    refocus();
    const onFocusOut = () => setTimeout(refocus, 0);
    const el = input.current;
    el?.addEventListener('blur', onFocusOut);
    document.addEventListener('mouseup', onFocusOut);
    window.addEventListener('focus', onFocusOut);
    return () => {
      el?.removeEventListener('blur', onFocusOut);
      document.removeEventListener('mouseup', onFocusOut);
      window.removeEventListener('focus', onFocusOut);
    };
  }, [dialogOpen, store]);

  const correct = (correction: Correction) => {
    const state = store.getState();
    const rows = state.snapshot?.crossings ?? [];
    const row = rows.find((c) => c.tapSeq === state.selected) ?? null;
    const typed = state.bibText.trim();
    const stationSaysPosted =
      typed !== '' && state.lookup?.bib === Number(typed) && state.lookup.onRunSignup === true;
    const plan = planCorrection(correction, row, state.bibText, rows, stationSaysPosted);
    if (plan.kind === 'error') {
      state.notify('error', plan.message);
      return;
    }
    if (plan.kind === 'dialog') {
      if (plan.crossing.tapSeq !== state.selected) state.select(plan.crossing.tapSeq);
      if (typed !== '') state.setBibText('');
      setDialog({ kind: plan.dialog, crossing: plan.crossing });
      return;
    }
    if (plan.confirm !== null) {
      setConfirming({ ...plan, confirm: plan.confirm });
      return;
    }
    send(plan);
  };

  const send = (plan: Extract<CorrectionPlan, { kind: 'command' }>) => {
    const state = store.getState();
    if (plan.clearsBibText) state.setBibText('');
    void state.run(plan.command, plan.label);
  };

  /** The bib search: the typed bib's newest crossing, selected and scrolled to. */
  const find = () => {
    const state = store.getState();
    const typed = state.bibText.trim();
    if (typed === '') {
      state.notify('error', `Type a bib, then ${FIND_KEY} to find its crossing`);
      return;
    }
    const row = crossingOfBib(state.snapshot?.crossings ?? [], Number(typed));
    if (!row) {
      state.notify('error', `Bib ${typed} has no crossing in the list (see Results, F4)`);
      return;
    }
    state.setBibText('');
    state.select(row.tapSeq);
  };

  // The core refuses a shift that would lose a bib; its reason shows in the notice line.
  const shiftBlock = (direction: 'earlier' | 'later') => {
    const state = store.getState();
    const rows = state.snapshot?.crossings ?? [];
    const plan = planShift(rows, state.anchor, state.selected, direction);
    if (plan.kind === 'error') state.notify('error', plan.message);
    else void state.run(plan.command, plan.label);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const action = timingAction(e);
    if (confirming) {
      // One key decides: Enter sends, anything else cancels (and does what it normally does,
      // so the next bib can be typed straight away).
      setConfirming(null);
      if (action.type === 'enter' && !action.forceNew) {
        e.preventDefault();
        send(confirming);
        return;
      }
      store.getState().notify('warn', `Not sent: ${confirming.label} (cancelled)`);
      if (action.type === 'escape') {
        e.preventDefault();
        return;
      }
    }
    if (action.type === 'default') return;
    e.preventDefault();
    // The tap time is the key event's own time, not when this code got to run.
    const at = eventEpochMs(performance.timeOrigin, e.timeStamp);
    const state = store.getState();
    switch (action.type) {
      case 'enter': {
        const decision = decideEnter({
          bibText: state.bibText,
          at,
          forceNew: action.forceNew,
          crossings: state.snapshot?.crossings ?? [],
          filling: fillingTaps(state.pending),
        });
        if (decision.kind === 'error') {
          state.notify('error', decision.message);
          return;
        }
        const typed = state.bibText;
        const runner = typedRunner(state.lookup, typed);
        state.setBibText('');
        // A row selected for a fix is done with once the next runner is recorded.
        if (state.selected !== null) state.select(null);
        void state
          .run(decision.command, decision.describe, { fillsTap: decision.fillsTap, runner })
          .then((result) => {
            // Not saved: give the bib back (if nothing new was typed) so one Enter retries it.
            if (!result.ok && store.getState().bibText === '') store.getState().setBibText(typed);
          });
        return;
      }
      case 'time-only':
        void state.run({ type: 'tap', at }, 'time only');
        return;
      case 'unreadable':
        void state.run({ type: 'tap', at, unreadable: true }, 'unreadable bib');
        return;
      case 'undo':
        void state.run({ type: 'undo' }, 'undo');
        return;
      case 'select':
        state.moveSelection(action.direction);
        return;
      case 'extend':
        state.extendSelection(action.direction);
        return;
      case 'shift':
        shiftBlock(action.direction);
        return;
      case 'gun':
        setDialog({ kind: 'gun', pressedAt: at });
        return;
      case 'find':
        find();
        return;
      case 'insert': {
        const row = state.snapshot?.crossings.find((c) => c.tapSeq === state.selected);
        setDialog({ kind: 'insert', near: row?.at ?? null });
        return;
      }
      case 'escape':
        if (state.selected !== null) state.select(null);
        else state.setBibText('');
        return;
      case 'correct':
        correct(action.correction);
        return;
      case 'reject':
        return;
    }
  };

  const lookupTone = lookup?.error
    ? 'error'
    : lookup && lookup.warnings.length > 0
      ? 'warn'
      : lookup?.participant
        ? 'ok'
        : '';

  return (
    <section className="screen timing-screen">
      <div className="timing-top">
        <RaceClock />
        <div className="gun-panel">
          <button
            type="button"
            className="btn-gun"
            aria-label="GUN"
            title={`GUN (key ${GUN_KEY})`}
            onClick={(e) =>
              setDialog({
                kind: 'gun',
                pressedAt: eventEpochMs(performance.timeOrigin, e.timeStamp),
              })
            }
          >
            GUN <kbd>{GUN_KEY}</kbd>
          </button>
          <button type="button" onClick={() => setDialog({ kind: 'gun', pressedAt: null })}>
            Type gun time…
          </button>
        </div>
      </div>

      <div className="entry">
        <label className="bib-label" htmlFor="bib">
          Bib
        </label>
        <input
          id="bib"
          ref={input}
          className={`bib-input ${lookupTone ? `tone-${lookupTone}` : ''}`}
          data-testid="bib-input"
          inputMode="numeric"
          autoComplete="off"
          value={bibText}
          onChange={(e) => store.getState().setBibText(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className={`lookup ${lookupTone ? `tone-${lookupTone}` : ''}`} data-testid="lookup">
          {bibText === '' ? (
            <span className="muted">Type a bib, Enter as the runner crosses.</span>
          ) : lookup === null ? (
            <span className="muted">…</span>
          ) : lookup.error ? (
            <span>{lookup.error}</span>
          ) : (
            <>
              <span className="lookup-name">
                {lookup.participant
                  ? `${lookup.participant.firstName} ${lookup.participant.lastName}`
                  : 'Unknown bib'}
              </span>
              {lookup.eventName && <span className="lookup-event">{lookup.eventName}</span>}
              {lookup.warnings.map((w) => (
                <span key={w.code} className="lookup-warning">
                  ⚠ {w.message}
                </span>
              ))}
            </>
          )}
        </div>
      </div>

      {confirming && (
        <div className="confirm tone-warn" data-testid="confirm" role="alert">
          ⚠ {confirming.confirm}
        </div>
      )}
      <GunNotices />
      <WaitingBibs bibs={waitingBibs} />
      {waiting > 0 && (
        <div className="fill-hint tone-warn" data-testid="fill-hint">
          {waiting} time{waiting === 1 ? '' : 's'} waiting for a bib: Enter gives the bib to the
          oldest (▶), Shift+Enter records a new crossing.
        </div>
      )}
      <NoticeLine />

      {selectedRow && (
        <div className="row-actions" data-testid="row-actions">
          <span>
            {block.length > 1
              ? `Block of ${block.length} crossings:`
              : `Crossing #${selectedRow.tapSeq}${selectedRow.bib !== null ? `, bib ${selectedRow.bib}` : ''}:`}
          </span>
          {block.length > 1 ? (
            <>
              <button type="button" onClick={() => shiftBlock('earlier')}>
                <kbd>[</kbd> bibs one crossing earlier
              </button>
              <button type="button" onClick={() => shiftBlock('later')}>
                <kbd>]</kbd> bibs one crossing later
              </button>
            </>
          ) : (
            CORRECTION_KEYS.map((k) => (
              <button
                key={k.key}
                type="button"
                title={k.label}
                onClick={() => correct(k.correction)}
              >
                <kbd>{k.key}</kbd> {k.short}
              </button>
            ))
          )}
        </div>
      )}

      <div className="list-scroll" data-testid="list-scroll">
        <CrossingList
          rows={crossings}
          max={visibleRowCount(
            crossings.map((c) => c.tapSeq),
            selected,
          )}
          nextSlot={nextSlot}
        />
      </div>

      {/* While a row is selected its buttons show the letters: the room goes to the list. */}
      {!selectedRow && (
        <p className="help">
          <kbd>Enter</kbd> crossing with bib · <kbd>Space</kbd>/<kbd>+</kbd> time only ·{' '}
          <kbd>*</kbd> unreadable bib · <kbd>↑</kbd>/<kbd>↓</kbd> select · <kbd>Esc</kbd> unselect ·{' '}
          <kbd>Ctrl+Z</kbd> undo · <kbd>{GUN_KEY}</kbd> gun · bib then <kbd>{FIND_KEY}</kbd> find ·
          letters on the typed bib, else the selected row:{' '}
          {CORRECTION_KEYS.map((k) => `${k.key} ${k.label}`).join(' · ')}
        </p>
      )}
      <p className="help" data-testid="lineup-help">
        Line-up:{' '}
        {LINEUP_KEYS.map((k) => (
          <span key={k.key}>
            <kbd>{k.key}</kbd> {k.label}{' '}
          </span>
        ))}
      </p>

      {dialog?.kind === 'gun' && (
        <GunDialog pressedAt={dialog.pressedAt} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'insert' && (
        <InsertDialog near={dialog.near} onClose={() => setDialog(null)} />
      )}
      {(dialog?.kind === 'bib' || dialog?.kind === 'time') && (
        <CorrectionDialog
          kind={dialog.kind}
          crossing={dialog.crossing}
          onClose={() => setDialog(null)}
        />
      )}
    </section>
  );
}
