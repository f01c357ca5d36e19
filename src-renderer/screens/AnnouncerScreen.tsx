// The announcer's display: read-only, large, newest finisher first (name, bib, event, place,
// time). Meant for a second device joined read-only; on the laptop itself it is F6. Nothing
// here can change the race.
import { useChute } from '../context';
import { finishers } from '../lib/announcer';

const SHOWN = 12;

export function AnnouncerScreen() {
  const crossings = useChute((s) => s.snapshot?.crossings ?? null);
  const raceName = useChute((s) => s.snapshot?.config?.raceName ?? null);
  const list = finishers(crossings ?? [], SHOWN);
  const [newest, ...rest] = list;
  return (
    <section className="screen announcer-screen" data-testid="announcer">
      <h2 className="announcer-title">{raceName ?? 'No race set up yet'} — finishers</h2>
      {newest === undefined ? (
        <p className="announcer-empty">Waiting for the first finisher…</p>
      ) : (
        <>
          <div className="announcer-newest" data-testid="announcer-newest">
            <div className="announcer-name">{newest.name}</div>
            <div className="announcer-line">
              <span>Bib {newest.bib}</span>
              <span>{newest.event}</span>
              {newest.place !== null && <span>Place {newest.place}</span>}
              <span className="announcer-time">{newest.time}</span>
            </div>
          </div>
          <table className="announcer-list" data-testid="announcer-list">
            <tbody>
              {rest.map((f) => (
                <tr key={f.key}>
                  <td className="announcer-name">{f.name}</td>
                  <td>{f.bib}</td>
                  <td>{f.event}</td>
                  <td>{f.place ?? ''}</td>
                  <td className="announcer-time">{f.time}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
