import { useChute } from '../context';
import { useNow } from '../hooks';
import { eventClocks, raceElapsed } from '../lib/clock';
import { formatElapsed, formatTimeOfDay } from '../lib/format';
import { gunConflictView, gunSourceLabel, type GunConflictView } from '../lib/guns';

export function RaceClock() {
  const snapshot = useChute((s) => s.snapshot);
  const now = useNow(100);
  const run = useChute((s) => s.run);
  const clocks = eventClocks(snapshot);
  const elapsed = raceElapsed(clocks, now, snapshot?.offsetMs ?? 0);
  return (
    <div className="race-clock">
      <div className="clock-big" data-testid="race-clock" aria-label="race clock">
        {elapsed === null ? 'NO GUN' : formatElapsed(elapsed, 1)}
      </div>
      <ul className="clock-events">
        {clocks.map((c) => (
          <li
            key={c.eventId}
            className={c.gunAt === null ? 'tone-warn' : undefined}
            data-testid={`gun-${c.eventId}`}
          >
            {c.name}:{' '}
            {c.gunAt === null
              ? 'no gun yet'
              : `gun ${formatTimeOfDay(c.gunAt, 2)} (${gunSourceLabel(
                  snapshot?.guns.find((g) => g.eventId === c.eventId)?.source,
                )})`}
            <GunConflict
              view={gunConflictView(snapshot?.guns.find((g) => g.eventId === c.eventId))}
              eventId={c.eventId}
              onUse={(command) => void run(command, `gun for ${c.name} from RunSignup`)}
            />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** RunSignup's start time differs from the gun typed here: say so, and offer to take it. */
function GunConflict({
  view,
  eventId,
  onUse,
}: {
  view: GunConflictView | null;
  eventId: number;
  onUse: (command: GunConflictView['command']) => void;
}) {
  if (view === null) return null;
  return (
    <div className="gun-conflict tone-warn" role="alert" data-testid={`gun-conflict-${eventId}`}>
      ⚠ {view.text}{' '}
      <button type="button" onClick={() => onUse(view.command)}>
        {view.action}
      </button>
    </div>
  );
}
