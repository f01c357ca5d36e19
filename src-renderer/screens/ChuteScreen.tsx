// The chute recorder (timer-and-chute mode, as in RunSignup's own app): a second device on the
// same station records bib ORDER only, as runners leave the chute. Each bib is an `order`
// entry; the station gives it to the oldest crossing the timer recorded time-only (Space on the
// Timing screen), or keeps it waiting for the next one. Big type, one field, nothing to click.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useChuteApi } from '../api-context';
import { useChute, useChuteStore } from '../context';
import { NoticeLine } from '../components/NoticeLine';
import { chuteAction } from '../lib/keys';
import { lastBibs } from '../lib/chute';

const RECENT = 8;

export function ChuteScreen() {
  const store = useChuteStore();
  const snapshot = useChute((s) => s.snapshot);
  const bibText = useChute((s) => s.bibText);
  const lookup = useChute((s) => s.lookup);
  const dialogOpen = useChute((s) => s.dialogOpen);
  // A paired Chute device has this screen only: no keys to other screens to mention.
  const device = useChute((s) => s.locked !== null);
  const input = useRef<HTMLInputElement>(null);
  // Names of bibs typed here, for the waiting list (the snapshot lists waiting bibs by number).
  const [names, setNames] = useState<ReadonlyMap<number, string>>(new Map());

  useEffect(() => {
    if (dialogOpen) return;
    const refocus = () => {
      if (!store.getState().dialogOpen) input.current?.focus({ preventScroll: true });
    };
    refocus();
    const later = () => setTimeout(refocus, 0);
    const el = input.current;
    el?.addEventListener('blur', later);
    document.addEventListener('mouseup', later);
    window.addEventListener('focus', later);
    return () => {
      el?.removeEventListener('blur', later);
      document.removeEventListener('mouseup', later);
      window.removeEventListener('focus', later);
    };
  }, [dialogOpen, store]);

  const api = useChuteApi();
  const waiting = snapshot?.waitingBibs ?? [];
  const missing = waiting.filter((b) => !names.has(b)).join(',');
  // Waiting bibs typed on another device (or faster than their lookup): look their names up.
  useEffect(() => {
    if (missing === '') return;
    let live = true;
    for (const b of missing.split(',')) {
      api
        .query({ type: 'lookupBib', bib: b })
        .then((r) => {
          const p = r.participant;
          // Unknown bibs are remembered too, so they are not asked about on every snapshot.
          const name = p ? `${p.firstName} ${p.lastName}` : 'unknown bib';
          if (live) setNames((m) => new Map(m).set(Number(b), name));
        })
        .catch(() => {
          // A name is a nicety here; the bib itself is what counts, and it is shown.
        });
    }
    return () => {
      live = false;
    };
  }, [api, missing]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const action = chuteAction(e);
    if (action.type === 'default') return;
    e.preventDefault();
    const state = store.getState();
    if (action.type === 'escape') state.setBibText('');
    if (action.type !== 'enter') return;
    const typed = state.bibText;
    if (!/^\d{1,6}$/.test(typed)) {
      state.notify('error', 'Type the bib of the runner leaving the chute, then Enter');
      return;
    }
    const person = state.lookup?.participant;
    if (person && state.lookup?.bib === Number(typed)) {
      const name = `${person.firstName} ${person.lastName}`;
      setNames((m) => new Map(m).set(Number(typed), name));
    }
    state.setBibText('');
    void state.run({ type: 'order', bib: typed }, `bib ${typed} in order`).then((result) => {
      if (!result.ok && store.getState().bibText === '') store.getState().setBibText(typed);
    });
  };

  const recent = lastBibs(snapshot?.crossings ?? [], RECENT);
  const name = lookup?.participant
    ? `${lookup.participant.firstName} ${lookup.participant.lastName}`
    : null;

  return (
    <section className="screen chute-screen">
      <h2 className="chute-title">Chute: bib order only</h2>
      <p className="muted chute-hint">
        Type each bib as the runner leaves the chute, <kbd>Enter</kbd>. The timer records the times
        (<kbd>Space</kbd> on Timing); the station pairs them in order.
        {!device && (
          <>
            {' '}
            Timing: <kbd>F2</kbd>, this screen: <kbd>F5</kbd>.
          </>
        )}
      </p>
      <div className="chute-entry">
        <input
          ref={input}
          className="chute-input"
          data-testid="chute-input"
          aria-label="bib leaving the chute"
          inputMode="numeric"
          autoComplete="off"
          value={bibText}
          onChange={(e) => store.getState().setBibText(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className="chute-name" data-testid="chute-lookup">
          {bibText === '' ? '' : (name ?? (lookup?.error || lookup ? 'Unknown bib' : '…'))}
          {lookup?.warnings.map((w) => (
            <span key={w.code} className="lookup-warning">
              ⚠ {w.message}
            </span>
          ))}
        </div>
      </div>
      <NoticeLine />
      <div className="chute-columns">
        <div>
          <h3>Waiting for a time ({waiting.length})</h3>
          <ol className="chute-list" data-testid="chute-waiting">
            {waiting.map((b) => (
              <li key={b}>
                <span className="chute-bib">{b}</span> {names.get(b) ?? ''}
              </li>
            ))}
          </ol>
          {waiting.length === 0 && <p className="muted">None: every bib has its time.</p>}
        </div>
        <div>
          <h3>Last bibs with their times</h3>
          <ol className="chute-list" data-testid="chute-recent">
            {recent.map((c) => (
              <li key={c.tapSeq}>
                <span className="chute-bib">{c.bib}</span> {c.name ?? 'unknown bib'}{' '}
                <span className="chute-time">{c.time ?? ''}</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </section>
  );
}
