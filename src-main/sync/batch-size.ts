// Adaptive batch size: start where RunSignup's own example does (25 rows), grow while full
// batches come back fast and clean, shrink when the server slows down or fails. Pure.
import { CLIENT_ASSUMPTIONS } from '../runsignup/assumptions';

export interface BatchSizePolicy {
  initial: number;
  min: number;
  max: number;
  /** A full batch answered faster than this is a sign the server can take more. */
  fastMs: number;
  /** An answer slower than this is a sign to back off in size. */
  slowMs: number;
}

/** Starts at RunSignup's example (25 rows) and never passes the cap in assumptions.ts (100). */
export const DEFAULT_BATCH_SIZE: BatchSizePolicy = {
  initial: CLIENT_ASSUMPTIONS.initialRowsPerPost,
  min: 1,
  max: CLIENT_ASSUMPTIONS.maxRowsPerPost,
  fastMs: 1_000,
  slowMs: 5_000,
};

export type BatchFeedback =
  | { kind: 'success'; rows: number; elapsedMs: number }
  | { kind: 'retryable' }
  /** A rejection says something about the data, not the server's load: size stays. */
  | { kind: 'rejected' };

function clamp(n: number, policy: BatchSizePolicy): number {
  return Math.min(policy.max, Math.max(policy.min, Math.round(n)));
}

export function nextBatchSize(
  current: number,
  feedback: BatchFeedback,
  policy: BatchSizePolicy,
): number {
  switch (feedback.kind) {
    case 'retryable':
      // Trouble: halve, so a struggling server gets smaller requests that are more likely to land.
      return clamp(current / 2, policy);
    case 'rejected':
      return clamp(current, policy);
    case 'success': {
      if (feedback.elapsedMs >= policy.slowMs) return clamp(current * 0.75, policy);
      // Only a full batch tells us the size was the limit; a short one says nothing about more.
      if (feedback.elapsedMs < policy.fastMs && feedback.rows >= current) {
        return clamp(current * 2, policy);
      }
      return clamp(current, policy);
    }
  }
}
