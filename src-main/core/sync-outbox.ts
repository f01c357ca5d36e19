// The outbox as the sync side (and tools) see it: brought in line with the journal before its
// first read, and every change the sync side makes shown on the screens.
import type { OutboxStore } from './store/outbox-store';

export interface SyncOutboxHooks {
  /** Runs before any read (the start-up reconciliation; it acts once). */
  beforeRead(): void;
  /** These bibs' rows changed (an acknowledgement, a post taken or of unknown outcome). */
  rowsChanged(bibs: readonly number[]): void;
  /** Something beside the rows changed too: screens reload. */
  changed(): void;
}

export function syncSideOutbox(outbox: OutboxStore, hooks: SyncOutboxHooks): OutboxStore {
  const { beforeRead, rowsChanged, changed } = hooks;
  return {
    ...outbox,
    // Taken rows show as sending: their bibs' rows go to the screens.
    takePending(limit, exclude) {
      beforeRead();
      const taken = outbox.takePending(limit, exclude);
      rowsChanged(taken.map((r) => r.bib));
      return taken;
    },
    stillPending(rows) {
      beforeRead();
      return outbox.stillPending(rows);
    },
    awaitingReadBack() {
      beforeRead();
      return outbox.awaitingReadBack();
    },
    allStates() {
      beforeRead();
      return outbox.allStates();
    },
    fieldState(key) {
      beforeRead();
      return outbox.fieldState(key);
    },
    counts() {
      beforeRead();
      return outbox.counts();
    },
    // What the sync side changes shows on the screens: an acknowledgement or a post of unknown
    // outcome as the rows of its bibs; a refusal, a read-back, an audit, a conflict decided or
    // a retry also changes the lists beside the rows, so a reload.
    acknowledge(rows, at) {
      outbox.acknowledge(rows, at);
      rowsChanged(rows.map((r) => r.bib));
    },
    markUncertain(rows, at) {
      outbox.markUncertain(rows, at);
      rowsChanged(rows.map((r) => r.bib));
    },
    applyAudit(verdicts, run) {
      outbox.applyAudit(verdicts, run);
      changed();
    },
    resolveConflict(key, keep) {
      const decided = outbox.resolveConflict(key, keep);
      changed();
      return decided;
    },
    markAttention(row, reason) {
      outbox.markAttention(row, reason);
      changed();
    },
    confirmReadBack(row, cleared, reason) {
      outbox.confirmReadBack(row, cleared, reason);
      changed();
    },
    retryAttention() {
      const n = outbox.retryAttention();
      changed();
      return n;
    },
    forgetAcknowledgements() {
      const n = outbox.forgetAcknowledgements();
      changed();
      return n;
    },
  };
}
