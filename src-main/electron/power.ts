// When the laptop must not sleep: from the moment a race is set up on this station (practice
// or live) until it is taken down. A sleeping screen at the finish line loses crossings.
import type { Snapshot } from '../../src-shared/station-api';

export function wantsSleepBlock(snapshot: Pick<Snapshot, 'mode' | 'config'>): boolean {
  return snapshot.mode !== 'setup' && snapshot.config !== null;
}
