import { describe, expect, it } from 'vitest';
import {
  CORRECTION_KEYS,
  FIND_KEY,
  GUN_KEY,
  INSERT_KEY,
  chuteAction,
  sanitizeBibText,
  screenForKey,
  timingAction,
  type KeyInfo,
} from '../../../src-renderer/lib/keys';

const key = (k: string, extra: Partial<KeyInfo> = {}): KeyInfo => ({
  key: k,
  code: extra.code ?? '',
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...extra,
});

describe('screenForKey', () => {
  it('maps F1–F6 and Alt+1..6, nothing else', () => {
    expect(screenForKey(key('F1'))).toBe('setup');
    expect(screenForKey(key('F2'))).toBe('timing');
    expect(screenForKey(key('F4'))).toBe('results');
    expect(screenForKey(key('3', { code: 'Digit3', altKey: true }))).toBe('review');
    expect(screenForKey(key('3', { code: 'Digit3' }))).toBeNull();
    expect(screenForKey(key('F5'))).toBe('chute');
    expect(screenForKey(key('5', { code: 'Digit5', altKey: true }))).toBe('chute');
    expect(screenForKey(key('F6'))).toBe('announcer');
    expect(screenForKey(key('6', { code: 'Digit6', altKey: true }))).toBe('announcer');
    expect(screenForKey(key('F7'))).toBeNull();
    expect(screenForKey(key('F1', { ctrlKey: true }))).toBeNull();
  });
});

describe('timingAction', () => {
  it('maps the capture keys', () => {
    expect(timingAction(key('Enter'))).toEqual({ type: 'enter', forceNew: false });
    expect(timingAction(key('Enter', { shiftKey: true }))).toEqual({
      type: 'enter',
      forceNew: true,
    });
    expect(timingAction(key('Enter', { code: 'NumpadEnter' }))).toEqual({
      type: 'enter',
      forceNew: false,
    });
    expect(timingAction(key(' ', { code: 'Space' }))).toEqual({ type: 'time-only' });
    expect(timingAction(key('+', { code: 'NumpadAdd' }))).toEqual({ type: 'time-only' });
    expect(timingAction(key('*', { code: 'NumpadMultiply' }))).toEqual({ type: 'unreadable' });
  });
  it('maps undo, selection and escape', () => {
    expect(timingAction(key('z', { ctrlKey: true }))).toEqual({ type: 'undo' });
    expect(timingAction(key('Z', { metaKey: true }))).toEqual({ type: 'undo' });
    expect(timingAction(key('ArrowUp'))).toEqual({ type: 'select', direction: -1 });
    expect(timingAction(key('ArrowDown'))).toEqual({ type: 'select', direction: 1 });
    expect(timingAction(key('Escape'))).toEqual({ type: 'escape' });
  });
  it('lets digits and editing keys through, swallows stray symbols', () => {
    for (const d of '0123456789') expect(timingAction(key(d))).toEqual({ type: 'default' });
    expect(timingAction(key('Backspace'))).toEqual({ type: 'default' });
    expect(timingAction(key('Tab'))).toEqual({ type: 'default' });
    expect(timingAction(key('c', { ctrlKey: true }))).toEqual({ type: 'default' });
    expect(timingAction(key('-'))).toEqual({ type: 'reject' });
    expect(timingAction(key('k'))).toEqual({ type: 'reject' });
  });
  it('maps every listed correction letter, in either case', () => {
    for (const c of CORRECTION_KEYS) {
      expect(timingAction(key(c.key.toLowerCase()))).toEqual({
        type: 'correct',
        correction: c.correction,
      });
      expect(timingAction(key(c.key))).toEqual({ type: 'correct', correction: c.correction });
    }
    expect(new Set(CORRECTION_KEYS.map((c) => c.key)).size).toBe(CORRECTION_KEYS.length);
  });
});

describe('line-up keys', () => {
  it('Shift+↑/↓ stretch a block, [ and ] shift it, I inserts', () => {
    expect(timingAction(key('ArrowUp', { shiftKey: true }))).toEqual({
      type: 'extend',
      direction: -1,
    });
    expect(timingAction(key('ArrowDown', { shiftKey: true }))).toEqual({
      type: 'extend',
      direction: 1,
    });
    expect(timingAction(key('['))).toEqual({ type: 'shift', direction: 'earlier' });
    expect(timingAction(key(']'))).toEqual({ type: 'shift', direction: 'later' });
    expect(timingAction(key('ü', { code: 'BracketLeft' }))).toEqual({
      type: 'shift',
      direction: 'earlier',
    });
    expect(timingAction(key('i'))).toEqual({ type: 'insert' });
    expect(timingAction(key(INSERT_KEY))).toEqual({ type: 'insert' });
    expect(CORRECTION_KEYS.some((c) => c.key === INSERT_KEY)).toBe(false);
  });
  it('G presses the gun, / finds the typed bib, neither is a correction letter', () => {
    expect(timingAction(key('g'))).toEqual({ type: 'gun' });
    expect(timingAction(key(GUN_KEY))).toEqual({ type: 'gun' });
    expect(timingAction(key('/'))).toEqual({ type: 'find' });
    expect(timingAction(key('/', { code: 'NumpadDivide' }))).toEqual({ type: 'find' });
    expect(CORRECTION_KEYS.some((c) => c.key === GUN_KEY || c.key === FIND_KEY)).toBe(false);
  });
});

describe('chuteAction', () => {
  it('Enter records, Escape clears, digits type, letters and undo are not for the chute', () => {
    expect(chuteAction(key('Enter'))).toEqual({ type: 'enter' });
    expect(chuteAction(key('Enter', { code: 'NumpadEnter' }))).toEqual({ type: 'enter' });
    expect(chuteAction(key('Escape'))).toEqual({ type: 'escape' });
    expect(chuteAction(key('7'))).toEqual({ type: 'default' });
    expect(chuteAction(key('Backspace'))).toEqual({ type: 'default' });
    expect(chuteAction(key('v'))).toEqual({ type: 'reject' });
    expect(chuteAction(key(' '))).toEqual({ type: 'reject' });
    expect(chuteAction(key('z', { ctrlKey: true }))).toEqual({ type: 'default' });
  });
});

describe('sanitizeBibText', () => {
  it('keeps at most six digits', () => {
    expect(sanitizeBibText(' 12a3 ')).toBe('123');
    expect(sanitizeBibText('12345678')).toBe('123456');
    expect(sanitizeBibText('')).toBe('');
  });
});
