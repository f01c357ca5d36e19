// A modal dialog. While one is open the bib field lets go of the focus (the store's dialogOpen).
import { useEffect, useRef, type ReactNode } from 'react';
import { useChute } from '../context';

export function Dialog(props: { title: string; onClose: () => void; children: ReactNode }) {
  const setDialogOpen = useChute((s) => s.setDialogOpen);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    setDialogOpen(true);
    const first = ref.current?.querySelector<HTMLElement>('input, select, button');
    first?.focus();
    // The old value is selected, so typing replaces it (fix a bib: ↑ B digits Enter).
    if (first instanceof HTMLInputElement) first.select();
    return () => setDialogOpen(false);
  }, [setDialogOpen]);
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        ref={ref}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            props.onClose();
          }
        }}
      >
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

/**
 * A dialog holding one form: Enter submits, Esc or Cancel closes, the error (if any) is shown
 * above the buttons, and the submit button is disabled while the command is in flight.
 */
export function FormDialog(props: {
  title: string;
  onClose: () => void;
  onSubmit: () => Promise<void>;
  submitLabel: string;
  busy: boolean;
  error: string | null;
  children: ReactNode;
}) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void props.onSubmit();
        }}
      >
        {props.children}
        {props.error && <p className="tone-error">{props.error}</p>}
        <div className="dialog-buttons">
          <button type="submit" className="btn-primary" disabled={props.busy}>
            {props.submitLabel}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel (Esc)
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A panel's refusal, announced to screen readers; nothing when there is none. */
export function ErrorLine(props: { error: string | null }) {
  if (!props.error) return null;
  return (
    <p className="tone-error" role="alert">
      {props.error}
    </p>
  );
}
