import { useChute } from '../context';
import { useNow } from '../hooks';
import { eventClocks, eventElapsed } from '../lib/clock';
import { formatElapsed } from '../lib/format';
import { gunConflictView, gunOnRaceClock, gunSourceLabel, type GunConflictView } from '../lib/guns';

/** One clock per event, each from its own gun: a 10K started after the 5K shows its own time. */
export function RaceClock() {
  const snapshot = useChute((s) => s.snapshot);
  const now = useNow(100);
  const run = useChute((s) => s.run);
  const clocks = eventClocks(snapshot);
  const offset = snapshot?.offsetMs ?? 0;
  const zone = snapshot?.config?.timeZone ?? null;
  return (
    <div className={`race-clock clocks-${Math.min(clocks.length, 3)}`} aria-label="race clocks">
      {clocks.length === 0 && (
        <div className="clock-big" data-testid="race-clock">
          NO RACE
        </div>
      )}
      {clocks.map((c, i) => {
        const elapsed = eventElapsed(c, now, offset);
        const gun = snapshot?.guns.find((g) => g.eventId === c.eventId);
        return (
          <div
            key={c.eventId}
            className={`event-clock ${c.gunAt === null ? 'tone-warn' : ''}`}
            data-testid={`clock-${c.eventId}`}
          >
            <div className="clock-head">
              <span className="clock-name">{c.name}</span>{' '}
              <span
                className="clock-gun"
                data-testid={`gun-${c.eventId}`}
                title={zone === null ? undefined : `race time zone ${zone}`}
              >
                {c.gunAt === null
                  ? 'no gun yet'
                  : `gun ${gunOnRaceClock(c.gunAt, zone)} (${gunSourceLabel(gun?.source, gun?.pressed)})`}
              </span>
            </div>
            <div
              className="clock-big"
              // The first event's clock keeps the test id the whole race has always used.
              data-testid={i === 0 ? 'race-clock' : undefined}
              aria-label={`${c.name} clock`}
            >
              {elapsed === null ? 'NO GUN' : formatElapsed(elapsed, 1)}
            </div>
            <GunConflict
              view={gunConflictView(gun, zone)}
              eventId={c.eventId}
              onUse={(command) => void run(command, `gun for ${c.name} from RunSignup`)}
            />
          </div>
        );
      })}
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
