import { useChute } from '../context';

/** The outcome of the last action: saved, saved with warnings, or NOT saved and why. */
export function NoticeLine() {
  const notice = useChute((s) => s.notice);
  if (!notice) return <div className="notice notice-empty">Ready.</div>;
  return (
    <div className={`notice tone-${notice.tone}`} data-testid="notice" role="alert">
      <strong>{notice.text}</strong>
      {notice.warnings.map((w) => (
        <span key={w.code} className="notice-warning">
          ⚠ {w.message}
        </span>
      ))}
    </div>
  );
}
