// The gun: pressed at the start (the press's own timestamp is the gun time) and confirmed, or
// typed afterwards. A later gun replaces an earlier one and re-times every entry of that event.
import { useState } from 'react';
import { useChute } from '../context';
import { eventClocks } from '../lib/clock';
import { formatTimeOfDay, parseTimeOfDay } from '../lib/format';
import { gunOnRaceClock } from '../lib/guns';
import { FormDialog } from './Dialog';

/**
 * The gun's time from the dialog: a typed time equal to the pressed one keeps the press's own
 * time (milliseconds included) and is marked `pressed`, so a host corrects it by this screen's
 * clock like a tap; any other typed time of day is taken as typed.
 */
export function gunTime(
  pressedAt: number | null,
  text: string,
  typedAt: number,
  zone: string | null = null,
): { at: number; pressed: boolean } {
  if (pressedAt !== null && formatTimeOfDay(pressedAt, 3, zone) === text.trim()) {
    return { at: pressedAt, pressed: true };
  }
  return { at: typedAt, pressed: false };
}

export function GunDialog(props: { pressedAt: number | null; onClose: () => void }) {
  const snapshot = useChute((s) => s.snapshot);
  const run = useChute((s) => s.run);
  const clocks = eventClocks(snapshot);
  // Gun times are read and shown on the race's clock, as RunSignup holds them.
  const zone = snapshot?.config?.timeZone ?? null;
  const [eventChoice, setEventChoice] = useState<'all' | number>('all');
  const [text, setText] = useState(() =>
    props.pressedAt === null ? '' : formatTimeOfDay(props.pressedAt, 3, zone),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    const parsed = parseTimeOfDay(text, props.pressedAt ?? Date.now(), zone);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    const { at, pressed } = gunTime(props.pressedAt, text, parsed.value, zone);
    const targets =
      eventChoice === 'all' ? clocks : clocks.filter((c) => c.eventId === eventChoice);
    setBusy(true);
    for (const c of targets) {
      const result = await run(
        // `pressed`: the key press's own time, on this screen's clock (a host corrects it like a
        // tap's); a typed time of day is not.
        { type: 'gun', eventId: c.eventId, at, pressed },
        `gun ${c.name} at ${gunOnRaceClock(at, zone)}`,
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
    <FormDialog
      title={props.pressedAt === null ? 'Type the gun time' : 'Confirm the gun'}
      onClose={props.onClose}
      onSubmit={confirm}
      submitLabel="Set gun (Enter)"
      busy={busy}
      error={error}
    >
      <label>
        Gun time of day{zone === null ? '' : ` on the race's clock (${zone})`}, HH:MM:SS.fff,
        24-hour
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
      <label>
        Event
        <select
          value={String(eventChoice)}
          onChange={(e) =>
            setEventChoice(e.target.value === 'all' ? 'all' : Number(e.target.value))
          }
        >
          <option value="all">
            {clocks.length === 1 ? clocks[0]?.name : 'All events of this station'}
          </option>
          {clocks.map((c) => (
            <option key={c.eventId} value={c.eventId}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {replacing && (
        <p className="tone-warn">
          A gun is already set: this replaces it and re-times every entry.
        </p>
      )}
    </FormDialog>
  );
}
