// A bib as the timer types it. RunSignup stores bibs as integers, so "007" is bib 7.
import { MAX_BIB } from './domain';

export type BibParse = { ok: true; bib: number } | { ok: false; error: string };

const MAX_BIB_DIGITS = String(MAX_BIB).length;

/**
 * Validate typed bib text: trims, accepts ASCII digits only, drops leading zeros, and checks the
 * range 1..MAX_BIB. Every error is a sentence a volunteer at the finish line understands.
 */
export function parseBibText(text: string): BibParse {
  if (typeof text !== 'string') return { ok: false, error: 'Bib must be digits' };
  const t = text.trim();
  if (t === '') return { ok: false, error: 'Type a bib number' };
  if (!/^[0-9]+$/.test(t)) {
    if (/^[0-9]+\.0*$/.test(t) || t.startsWith('-') || t.startsWith('+')) {
      return { ok: false, error: 'Bib must be digits only (no signs or decimal point)' };
    }
    return { ok: false, error: 'Bib must be digits' };
  }
  const digits = t.replace(/^0+/, '');
  if (digits === '') return { ok: false, error: 'Bib 0 is not valid' };
  if (digits.length > MAX_BIB_DIGITS) {
    return { ok: false, error: `Bib too long (at most ${MAX_BIB_DIGITS} digits)` };
  }
  const bib = Number(digits);
  if (bib > MAX_BIB) return { ok: false, error: `Bib too large (at most ${MAX_BIB})` };
  return { ok: true, bib };
}

/** True when `value` is a bib the station accepts (an integer 1..MAX_BIB). */
export function isValidBib(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_BIB;
}
