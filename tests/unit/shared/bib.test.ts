import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidBib, parseBibText } from '../../../src-shared/bib';
import { MAX_BIB } from '../../../src-shared/domain';

describe('parseBibText', () => {
  it.each([
    ['123', 123],
    ['  42 ', 42],
    ['007', 7],
    ['1', 1],
    [String(MAX_BIB), MAX_BIB],
    ['000999999', 999_999],
  ])('reads %j as bib %d', (text, bib) => {
    expect(parseBibText(text)).toEqual({ ok: true, bib });
  });

  it.each([
    ['', 'Type a bib number'],
    ['   ', 'Type a bib number'],
    ['12a', 'Bib must be digits'],
    ['1 2', 'Bib must be digits'],
    ['A12', 'Bib must be digits'],
    ['１２', 'Bib must be digits'], // full-width digits
    ['-5', 'Bib must be digits only (no signs or decimal point)'],
    ['+5', 'Bib must be digits only (no signs or decimal point)'],
    ['12.0', 'Bib must be digits only (no signs or decimal point)'],
    ['0', 'Bib 0 is not valid'],
    ['0000', 'Bib 0 is not valid'],
    ['1234567', 'Bib too long (at most 6 digits)'],
  ])('rejects %j: %s', (text, error) => {
    expect(parseBibText(text)).toEqual({ ok: false, error });
  });

  it('accepts exactly the integers 1..MAX_BIB, for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 10 }), fc.nat().map(String)), (text) => {
        const r = parseBibText(text);
        if (r.ok) {
          expect(isValidBib(r.bib)).toBe(true);
          expect(String(r.bib)).toBe(text.trim().replace(/^0+/, ''));
        } else {
          expect(r.error).toMatch(/^(Type a bib|Bib )/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is not fooled by a non-string at run time', () => {
    expect(parseBibText(12 as unknown as string)).toEqual({
      ok: false,
      error: 'Bib must be digits',
    });
  });
});

describe('isValidBib', () => {
  it('checks range and integrality', () => {
    expect(isValidBib(1)).toBe(true);
    expect(isValidBib(MAX_BIB)).toBe(true);
    for (const v of [0, -1, MAX_BIB + 1, 1.5, Number.NaN, '5', null]) {
      expect(isValidBib(v)).toBe(false);
    }
  });
});
