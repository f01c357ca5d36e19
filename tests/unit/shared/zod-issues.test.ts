import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from '../../../src-shared/zod-issues';

describe('describeIssues', () => {
  it('names where each problem is and what it is, without the value', () => {
    const r = z
      .object({ bib: z.string().max(3), at: z.number() })
      .safeParse({ bib: 'secret-value', at: 'soon' });
    expect(r.success).toBe(false);
    if (r.success) return;
    const text = describeIssues(r.error);
    expect(text).toMatch(/^bib: .+; at: .+$/);
    expect(text).not.toContain('secret-value');
    expect(text).not.toContain('soon');
  });

  it('gives the message alone when the whole value is wrong, and nested paths with dots', () => {
    const whole = z.number().safeParse('x');
    if (whole.success) throw new Error('parsed');
    expect(describeIssues(whole.error)).not.toMatch(/^\S+: /);
    const nested = z.object({ events: z.array(z.object({ name: z.string() })) }).safeParse({
      events: [{ name: 1 }],
    });
    if (nested.success) throw new Error('parsed');
    expect(describeIssues(nested.error)).toMatch(/^events\.0\.name: /);
  });

  it('shows at most `max` problems and counts the rest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 5 }), (n, max) => {
        const issues = Array.from({ length: n }, (_, i) => ({ path: [`f${i}`], message: 'bad' }));
        const text = describeIssues(issues, max);
        if (n === 0) return text === 'invalid';
        const shown = Math.min(n, max);
        const parts = text.replace(/ \(and \d+ more\)$/, '').split('; ');
        const more = n > max ? ` (and ${n - max} more)` : '';
        return parts.length === shown && parts[0] === 'f0: bad' && text.endsWith(`bad${more}`);
      }),
    );
  });
});
