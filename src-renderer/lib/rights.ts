// Which screens this screen may show. The station laptop's own screen (the main one) shows them
// all; a paired device shows only its own: the Chute screen for a chute device, the announcer's
// display for a read-only one, with no tabs or keys that would send what its token may not. The
// host refuses such commands anyway; this keeps them off the device's screen. Pure.
import type { ScreenRights as RightsMessage } from '../../src-shared/wire';
import type { Screen } from './keys';

export type ScreenRights = RightsMessage['screenRights'];

const DEVICE_SCREEN: Record<Exclude<ScreenRights, 'main'>, Screen> = {
  chute: 'chute',
  display: 'announcer',
};

/**
 * The one screen shown, or null when every screen is open. Until the host has said (`rights`
 * null), a device's link (`?screen=chute` or `announcer`) opens locked to that screen: a
 * read-only display never flashes the timer's tabs. The main screen is unlocked once told.
 */
export function lockedScreen(rights: ScreenRights | null, asked: Screen | null): Screen | null {
  if (rights === 'main') return null;
  if (rights !== null) return DEVICE_SCREEN[rights];
  return asked === 'chute' || asked === 'announcer' ? asked : null;
}

/** What a locked screen says it is, in place of the tabs. */
export const LOCKED_TITLE: Partial<Record<Screen, string>> = {
  chute: 'Paired device: Chute screen',
  announcer: 'Paired device: announcer display (read-only)',
};
