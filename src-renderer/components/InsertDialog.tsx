// Line-up tool: a crossing the timer missed, inserted at a typed time (a `tap` with that time,
// time-only, so a bib typed in order or a shift can fill it).
import { useState } from 'react';
import { useChute } from '../context';
import { eventClocks } from '../lib/clock';
import { parseTypedTime, timeOfDayLabel, typedTimeText } from '../lib/typed-time';
import { FormDialog } from './Dialog';

export function InsertDialog(props: { near: number | null; onClose: () => void }) {
  const snapshot = useChute((s) => s.snapshot);
  const run = useChute((s) => s.run);
  const offset = snapshot?.offsetMs ?? 0;
  // Typed as the race clock shows it: elapsed from the earliest gun, or time of day before one.
  const guns = eventClocks(snapshot)
    .map((c) => c.gunAt)
    .filter((g): g is number => g !== null);
  const gun = guns.length > 0 ? Math.min(...guns) : null;
  const clock = { gun, offsetMs: offset, zone: snapshot?.config?.timeZone ?? null };
  const reference = props.near ?? Date.now();
  const [text, setText] = useState(() => typedTimeText(reference, clock));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const parsed = parseTypedTime(text, reference, clock);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    const at = parsed.value;
    setBusy(true);
    // Typed from the race clock (or a clock of day), not pressed: no screen clock to correct.
    const result = await run(
      { type: 'tap', at, typed: true },
      `crossing inserted at ${text.trim()}`,
    );
    setBusy(false);
    if (result.ok) props.onClose();
    else setError(result.error);
  };

  return (
    <FormDialog
      title="Insert a missing crossing"
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel="Insert"
      busy={busy}
      error={error}
    >
      <label>
        {gun === null
          ? `${timeOfDayLabel(clock.zone)} it crossed — no gun yet`
          : 'Race time it crossed (H:MM:SS.fff)'}
        <input
          name="insert-time"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          autoComplete="off"
        />
      </label>
      <p className="muted">
        The new crossing has no bib: type bibs in order, or shift a block onto it.
      </p>
    </FormDialog>
  );
}
