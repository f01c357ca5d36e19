// The gun: pressed at the start (the press's own timestamp is the gun time) and confirmed, or
// typed afterwards. A later gun replaces an earlier one and re-times every entry of that event.
import { useState } from 'react';
import { useChute } from '../context';
import { eventClocks } from '../lib/clock';
import { formatTimeOfDay, parseTimeOfDay } from '../lib/format';
import { Dialog } from './Dialog';

export function GunDialog(props: { pressedAt: number | null; onClose: () => void }) {
  const snapshot = useChute((s) => s.snapshot);
  const run = useChute((s) => s.run);
  const clocks = eventClocks(snapshot);
  const [eventChoice, setEventChoice] = useState<'all' | number>('all');
  const [text, setText] = useState(() =>
    props.pressedAt === null ? '' : formatTimeOfDay(props.pressedAt, 3),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    const parsed = parseTimeOfDay(text, props.pressedAt ?? Date.now());
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    // A typed time equal to the pressed one keeps the press's milliseconds.
    const pressed = props.pressedAt !== null && formatTimeOfDay(props.pressedAt, 3) === text.trim();
    const at = pressed && props.pressedAt !== null ? props.pressedAt : parsed.value;
    const targets =
      eventChoice === 'all' ? clocks : clocks.filter((c) => c.eventId === eventChoice);
    setBusy(true);
    for (const c of targets) {
      const result = await run(
        // `pressed`: the key press's own time, on this screen's clock (a host corrects it like a
        // tap's, review2 #3); a typed time of day is not.
        { type: 'gun', eventId: c.eventId, at, pressed },
        `gun ${c.name} at ${formatTimeOfDay(at, 2)}`,
      );
      if (!result.ok) {
        setBusy(false);
        setError(result.error);
        return;
      }
    }
    props.onClose();
  };

  const replacing = clocks.some((c) => c.gunAt !== null);
  return (
    <Dialog
      title={props.pressedAt === null ? 'Type the gun time' : 'Confirm the gun'}
      onClose={props.onClose}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <label>
          Event
          <select
            value={String(eventChoice)}
            onChange={(e) =>
              setEventChoice(e.target.value === 'all' ? 'all' : Number(e.target.value))
            }
          >
            <option value="all">All events</option>
            {clocks.map((c) => (
              <option key={c.eventId} value={c.eventId}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Gun time of day (HH:MM:SS.fff, 24-hour)
          <input
            name="gun-time"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
            autoComplete="off"
          />
        </label>
        {replacing && (
          <p className="tone-warn">
            A gun is already set: this replaces it and re-times every entry.
          </p>
        )}
        {error && <p className="tone-error">{error}</p>}
        <div className="dialog-buttons">
          <button type="submit" className="btn-primary" disabled={busy}>
            Set gun
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel (Esc)
          </button>
        </div>
      </form>
    </Dialog>
  );
}
