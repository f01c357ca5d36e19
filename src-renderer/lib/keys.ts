// Key mapping for the timing screen. Pure: takes the parts of a KeyboardEvent it needs and the
// screen's state, returns what to do. Keeping it out of the component makes it testable and
// keeps the list of shortcuts in one place (the help strip shows the same table).
import type { ResultStatus } from '../../src-shared/domain';

export interface KeyInfo {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

export type Screen = 'setup' | 'timing' | 'review' | 'results' | 'chute' | 'announcer';
export const SCREENS: readonly Screen[] = [
  'setup',
  'timing',
  'review',
  'results',
  'chute',
  'announcer',
];
export const SCREEN_LABELS: Record<Screen, string> = {
  setup: 'Setup',
  timing: 'Timing',
  review: 'Review',
  results: 'Results',
  chute: 'Chute',
  announcer: 'Announcer',
};

/** F1–F6 or Alt+1..6 switch screens from anywhere. */
export function screenForKey(k: KeyInfo): Screen | null {
  const f = /^F([1-6])$/.exec(k.key);
  if (f && !k.ctrlKey && !k.altKey && !k.metaKey) return SCREENS[Number(f[1]) - 1] ?? null;
  const digit = /^Digit([1-6])$/.exec(k.code);
  if (digit && k.altKey && !k.ctrlKey && !k.metaKey) return SCREENS[Number(digit[1]) - 1] ?? null;
  return null;
}

export type Correction =
  | { kind: 'bib' }
  | { kind: 'time' }
  | { kind: 'void' }
  | { kind: 'status'; status: ResultStatus | null }
  | { kind: 'clear' };

export type TimingAction =
  | { type: 'enter'; forceNew: boolean }
  | { type: 'time-only' }
  | { type: 'unreadable' }
  | { type: 'undo' }
  | { type: 'select'; direction: -1 | 1 }
  /** Shift+↑/↓: stretch the selection into a block (line-up tools). */
  | { type: 'extend'; direction: -1 | 1 }
  /** [ or ]: move the bibs of the selected block one crossing earlier or later. */
  | { type: 'shift'; direction: 'earlier' | 'later' }
  /** I: insert a missing crossing at a typed time. */
  | { type: 'insert' }
  /** G: the gun, pressed now, for the events this station times (confirmed with Enter). */
  | { type: 'gun' }
  /** /: select the typed bib's newest crossing and scroll to it. */
  | { type: 'find' }
  | { type: 'escape' }
  | { type: 'correct'; correction: Correction }
  /** Let the input handle it (digits, Backspace, Tab, …). */
  | { type: 'default' }
  /** Swallow: a letter or symbol typed into the bib field by mistake. */
  | { type: 'reject' };

/** Letter shortcuts for corrections; they apply to the selected row, or to the typed bib. */
export const CORRECTION_KEYS: ReadonlyArray<{
  key: string;
  label: string;
  /** The row's button (one line on a small screen). */
  short: string;
  correction: Correction;
}> = [
  { key: 'B', label: 'change bib', short: 'bib', correction: { kind: 'bib' } },
  { key: 'T', label: 'adjust time', short: 'time', correction: { kind: 'time' } },
  { key: 'V', label: 'void', short: 'void', correction: { kind: 'void' } },
  { key: 'Q', label: 'DQ', short: 'DQ', correction: { kind: 'status', status: 'DQ' } },
  { key: 'F', label: 'DNF', short: 'DNF', correction: { kind: 'status', status: 'DNF' } },
  { key: 'S', label: 'DNS', short: 'DNS', correction: { kind: 'status', status: 'DNS' } },
  { key: 'N', label: 'DNQ', short: 'DNQ', correction: { kind: 'status', status: 'DNQ' } },
  { key: 'L', label: 'lift status', short: 'lift', correction: { kind: 'status', status: null } },
  { key: 'X', label: 'clear (X)', short: 'clear X', correction: { kind: 'clear' } },
];

/** The line-up tools' keys, shown on screen from this same table. */
export const INSERT_KEY = 'I';
export const GUN_KEY = 'G';
export const FIND_KEY = '/';
export const LINEUP_KEYS: ReadonlyArray<{ key: string; label: string }> = [
  { key: 'Shift+↑/↓', label: 'select a block' },
  { key: '[', label: 'bibs one crossing earlier' },
  { key: ']', label: 'bibs one crossing later' },
  { key: INSERT_KEY, label: 'insert a missing crossing' },
  { key: 'V', label: 'drop an extra crossing' },
];

/**
 * The chute recorder's keys: bib order only. No undo here: the station's undo takes back its
 * latest entry, which may be the timer's crossing on the other device; fixes go through Timing.
 */
export type ChuteAction =
  { type: 'enter' } | { type: 'escape' } | { type: 'default' } | { type: 'reject' };

export function chuteAction(k: KeyInfo): ChuteAction {
  if (k.ctrlKey || k.metaKey || k.altKey) return { type: 'default' };
  if (k.key === 'Enter' || k.code === 'NumpadEnter') return { type: 'enter' };
  if (k.key === 'Escape') return { type: 'escape' };
  if (k.key.length === 1 && !/^[0-9]$/.test(k.key)) return { type: 'reject' };
  return { type: 'default' };
}

export function timingAction(k: KeyInfo): TimingAction {
  if ((k.ctrlKey || k.metaKey) && !k.altKey && k.key.toLowerCase() === 'z') return { type: 'undo' };
  if (k.ctrlKey || k.metaKey || k.altKey) return { type: 'default' };
  if (k.key === 'Enter' || k.code === 'NumpadEnter') return { type: 'enter', forceNew: k.shiftKey };
  if (k.key === ' ' || k.code === 'Space' || k.code === 'NumpadAdd' || k.key === '+') {
    return { type: 'time-only' };
  }
  if (k.key === '*' || k.code === 'NumpadMultiply') return { type: 'unreadable' };
  if (k.key === 'ArrowUp') return { type: k.shiftKey ? 'extend' : 'select', direction: -1 };
  if (k.key === 'ArrowDown') return { type: k.shiftKey ? 'extend' : 'select', direction: 1 };
  if (k.key === '[' || k.code === 'BracketLeft') return { type: 'shift', direction: 'earlier' };
  if (k.key === ']' || k.code === 'BracketRight') return { type: 'shift', direction: 'later' };
  if (k.key === 'Escape') return { type: 'escape' };
  if (k.key === FIND_KEY || k.code === 'NumpadDivide') return { type: 'find' };
  if (k.key.length === 1) {
    if (/^[0-9]$/.test(k.key)) return { type: 'default' };
    const upper = k.key.toUpperCase();
    if (upper === INSERT_KEY) return { type: 'insert' };
    if (upper === GUN_KEY) return { type: 'gun' };
    const found = CORRECTION_KEYS.find((c) => c.key === upper);
    if (found) return { type: 'correct', correction: found.correction };
    return { type: 'reject' };
  }
  return { type: 'default' };
}

/** Keeps only digits, at most 6 (MAX_BIB): what a paste or an IME may leave in the field. */
export function sanitizeBibText(text: string): string {
  return text.replace(/\D+/g, '').slice(0, 6);
}
