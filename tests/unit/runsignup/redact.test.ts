import { describe, expect, it } from 'vitest';
import { redact, redactSecrets, redactUrl } from '../../../src-main/runsignup/redact';

describe('redactUrl', () => {
  it('masks every credential parameter and keeps the rest', () => {
    expect(
      redactUrl(
        'https://runsignup.com/Rest/race/1?format=json&api_key=AK&api_secret=S3CR3T&event_id=2',
      ),
    ).toBe('https://runsignup.com/Rest/race/1?format=json&api_key=***&api_secret=***&event_id=2');
    expect(redactUrl('/Rest/x?tmp_key=a&TMP_SECRET=b&rsu_api_key=c&password=d#frag')).toBe(
      '/Rest/x?tmp_key=***&TMP_SECRET=***&rsu_api_key=***&password=***#frag',
    );
  });
  it('leaves URLs without a query alone', () => {
    expect(redactUrl('https://runsignup.com/Rest')).toBe('https://runsignup.com/Rest');
  });
});

describe('redactSecrets', () => {
  it('masks raw, URL-encoded, form-encoded and JSON-escaped forms', () => {
    const secret = 'p@ss w/rd"x';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${encodeURIComponent(secret).replace(/%20/g, '+')} d ${JSON.stringify(secret)}`;
    const out = redactSecrets(text, [secret]);
    expect(out).not.toContain('p@ss');
    expect(out).not.toContain('p%40ss');
  });
  it('masks a longer secret whole even when it contains a shorter one', () => {
    expect(redactSecrets('key=abcdef', ['abc', 'abcdef'])).toBe('key=***');
  });
  it('ignores one- and two-character values', () => {
    expect(redactSecrets('a b', ['a', 'b'])).toBe('a b');
  });
});

describe('redact', () => {
  it('masks URLs inside a sentence and known secrets anywhere', () => {
    const out = redact(
      'fetch failed for http://h/Rest/race?api_key=K1&api_secret=TOPSECRET: TOPSECRET again',
      ['TOPSECRET'],
    );
    expect(out).not.toContain('TOPSECRET');
    expect(out).not.toContain('K1');
    expect(out).toMatch(
      /^fetch failed for http:\/\/h\/Rest\/race\?api_key=\*\*\*&api_secret=\*\*\*.* \*\*\* again$/,
    );
  });
});
