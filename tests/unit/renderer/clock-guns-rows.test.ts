import { describe, expect, it } from 'vitest';
import { describeClock, parseOffsetSeconds } from '../../../src-renderer/lib/clock-status';
import { gunChanges, gunSourceLabel } from '../../../src-renderer/lib/guns';
import { reuseRows, sameCrossing } from '../../../src-renderer/lib/rows';
import { formatTimeOfDay } from '../../../src-renderer/lib/format';
import { crossing } from './fixtures';

describe('describeClock', () => {
  it('says when the clock was never measured', () => {
    expect(describeClock(null, 0)).toEqual({
      text: 'Clock vs RunSignup: not measured yet',
      tone: 'ok',
      warning: null,
    });
    expect(describeClock(undefined, 250).text).toContain('applied +0.25 s');
  });
  it('shows the offset with its uncertainty, calm under 0.5 s', () => {
    const v = describeClock({ offsetMs: 120, uncertaintyMs: 40, measuredAt: 1, warning: null }, 0);
    expect(v).toEqual({ text: 'Clock vs RunSignup: +0.12 s ± 0.04 s', tone: 'ok', warning: null });
  });
  it('warns above 0.5 s either way, saying which way the computer is off', () => {
    const behind = describeClock(
      { offsetMs: 800, uncertaintyMs: 30, measuredAt: 1, warning: null },
      0,
    );
    expect(behind.tone).toBe('warn');
    expect(behind.warning).toMatch(/0\.80 s behind RunSignup/);
    const ahead = describeClock(
      { offsetMs: -501, uncertaintyMs: null, measuredAt: 1, warning: null },
      0,
    );
    expect(ahead.text).toBe('Clock vs RunSignup: −0.50 s');
    expect(ahead.warning).toMatch(/ahead of RunSignup/);
    expect(
      describeClock({ offsetMs: 500, uncertaintyMs: 1, measuredAt: 1, warning: null }, 0).tone,
    ).toBe('ok');
  });
  it('shows no sign on an offset that rounds to zero', () => {
    const v = describeClock({ offsetMs: -4, uncertaintyMs: 60, measuredAt: 1, warning: null }, 0);
    expect(v.text).toBe('Clock vs RunSignup: 0.00 s ± 0.06 s');
  });
  it("uses the station's own warning when it has one", () => {
    const v = describeClock(
      { offsetMs: 10, uncertaintyMs: 900, measuredAt: 1, warning: 'Too uncertain to trust' },
      0,
    );
    expect(v).toMatchObject({ tone: 'warn', warning: 'Too uncertain to trust' });
  });
});

describe('describeClock with an applied offset', () => {
  const measured = {
    offsetMs: 730,
    uncertaintyMs: 40,
    measuredAt: 1,
    warning: 'raw: 0.7 s behind',
  };
  it('is calm once the applied offset covers the measured one', () => {
    expect(describeClock(measured, 700)).toEqual({
      text: 'Clock vs RunSignup: +0.73 s ± 0.04 s · applied +0.70 s',
      tone: 'ok',
      warning: null,
    });
  });
  it('warns about what is left when the applied offset is wrong', () => {
    const v = describeClock(measured, -200);
    expect(v.warning).toMatch(/0\.93 s behind RunSignup's even with the applied offset/);
  });
  it('keeps doubt about a large, compensated but uncertain offset', () => {
    const v = describeClock({ ...measured, uncertaintyMs: 800 }, 700);
    expect(v).toMatchObject({ tone: 'warn', warning: expect.stringMatching(/within 0\.80 s/) });
  });
});

describe('parseOffsetSeconds', () => {
  it('reads signed seconds into whole ms', () => {
    expect(parseOffsetSeconds('+0.35')).toEqual({ ok: true, ms: 350 });
    expect(parseOffsetSeconds(' -1.2 ')).toEqual({ ok: true, ms: -1200 });
    expect(parseOffsetSeconds('−0.5')).toEqual({ ok: true, ms: -500 });
    expect(parseOffsetSeconds('0')).toEqual({ ok: true, ms: 0 });
  });
  it('refuses anything else with a sentence', () => {
    for (const bad of ['', 'abc', '1.2345', '1e3', '--1']) {
      const r = parseOffsetSeconds(bad);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/seconds/);
    }
    expect(parseOffsetSeconds('99999')).toEqual({ ok: false, error: 'An offset is at most a day' });
  });
});

describe('gunChanges', () => {
  const name = (id: number) => (id === 1 ? '5K' : '10K');
  const at = 1_700_000_000_000;
  it('says nothing on the first load or when nothing moved', () => {
    expect(gunChanges(null, [{ eventId: 1, at, source: 'runsignup' }], name)).toEqual([]);
    expect(
      gunChanges([{ eventId: 1, at }], [{ eventId: 1, at, source: 'runsignup' }], name),
    ).toEqual([]);
  });
  it('names the event, the source, the new and the old time', () => {
    const out = gunChanges(
      [
        { eventId: 1, at },
        { eventId: 2, at: null },
      ],
      [
        { eventId: 1, at: at + 2000, source: 'runsignup' },
        { eventId: 2, at, source: 'runsignup' },
      ],
      name,
    );
    expect(out).toEqual([
      `Gun for 5K changed (from RunSignup): now ${formatTimeOfDay(at + 2000, 2)}, was ${formatTimeOfDay(at, 2)}`,
      `Gun for 10K changed (from RunSignup): now ${formatTimeOfDay(at, 2)}`,
    ]);
  });
  it('says nothing about a gun typed here', () => {
    expect(
      gunChanges([{ eventId: 1, at: null }], [{ eventId: 1, at, source: 'local' }], name),
    ).toEqual([]);
    expect(gunChanges([{ eventId: 1, at }], [{ eventId: 1, at: at + 1 }], name)).toEqual([]);
  });
  it('labels sources, a missing one as typed here', () => {
    expect(gunSourceLabel(undefined)).toBe('typed here');
    expect(gunSourceLabel('runsignup')).toBe('from RunSignup');
  });
});

describe('reuseRows', () => {
  it('keeps the old object for every unchanged row and takes the new one otherwise', () => {
    const a = crossing({ tapSeq: 1, bib: 5, flags: ['already-recorded'] });
    const b = crossing({ tapSeq: 2 });
    const next = [
      crossing({ tapSeq: 3 }),
      crossing({ tapSeq: 2, bib: 7 }),
      crossing({ tapSeq: 1, bib: 5, flags: ['already-recorded'] }),
    ];
    const out = reuseRows([b, a], next);
    expect(out[0]).toBe(next[0]);
    expect(out[1]).toBe(next[1]);
    expect(out[2]).toBe(a);
    expect(out).toEqual(next);
  });
  it('compares every shown field, flags included', () => {
    const a = crossing({ tapSeq: 1, flags: ['no-gun'] });
    expect(sameCrossing(a, { ...a })).toBe(true);
    expect(sameCrossing(a, { ...a, flags: [] })).toBe(false);
    expect(sameCrossing(a, { ...a, sync: 'sent' })).toBe(false);
    expect(sameCrossing(a, { ...a, syncReason: 'x' })).toBe(false);
    expect(sameCrossing(a, { ...a, time: '0:01:00.0' })).toBe(false);
  });
});
