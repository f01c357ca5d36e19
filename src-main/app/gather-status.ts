// Status changes gathered into few events: every event goes to every screen, and the sync loop
// moves its status several times per tap. Timers only; what "busy" means is the caller's.
/**
 * How sync-status changes reach the screens. A tap moves the status three or four times in one
 * round trip (queued and taken, request out, answer in, acknowledged) and each event goes to
 * every screen: they are gathered for at least `gatherMs`, and while a request is out until its
 * answer (at most `maxHoldMs`, so a hanging post still shows as sending). A tap answered within
 * a second then costs each screen one event, and a rush of taps at most one per `gatherMs`. Rows carry
 * their own sync state at once; only the status bar's counts wait.
 */
export const SYNC_STATUS_GATHER = { gatherMs: 200, maxHoldMs: 1_000 };

/**
 * Emits the status as it stands once the changes settle (see SYNC_STATUS_GATHER), never the
 * same status twice in a row.
 */
export function gatherStatus<T>(options: {
  current: () => T;
  /** A request is out: its answer will change the status again soon. */
  busy: (status: T) => boolean;
  emit: (status: T) => void;
  gatherMs: number;
  maxHoldMs: number;
  now?: () => number;
}): { changed(): void; stop(): void } {
  const now = options.now ?? Date.now;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let since: number | null = null; // when the first change not yet sent came
  let gathered = false; // `gatherMs` has passed since then
  let sent = '';
  let stopped = false;
  const schedule = (ms: number) => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, ms));
  };
  const send = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    since = null;
    gathered = false;
    const status = options.current();
    const key = JSON.stringify(status);
    if (key === sent) return;
    sent = key;
    options.emit(status);
  };
  function check(): void {
    timer = null;
    if (stopped || since === null) return;
    gathered = true;
    const held = now() - since;
    if (options.busy(options.current()) && held < options.maxHoldMs) {
      schedule(options.maxHoldMs - held);
      return;
    }
    send();
  }
  return {
    changed() {
      if (stopped) return;
      if (since === null) {
        since = now();
        schedule(options.gatherMs);
      } else if (gathered && !options.busy(options.current())) send();
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
