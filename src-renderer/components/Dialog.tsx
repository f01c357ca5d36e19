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
