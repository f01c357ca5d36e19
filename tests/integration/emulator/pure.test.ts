// The emulator's pure parts: time parsing and the compact form, request payload parsers (CSV,
// XML, JSON), the XML serializer and form bodies. Property checks where a rule is general.
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseFormBody } from '../../../src-main/runsignup/emulator/body';
import { ApiError } from '../../../src-main/runsignup/emulator/errors';
import { FaultPicker, truncateBody } from '../../../src-main/runsignup/emulator/faults';
import {
  parseCsv,
  parseCsvRows,
  parseJsonRows,
  parseXmlRows,
} from '../../../src-main/runsignup/emulator/request-rows';
import {
  compactTime,
  parseStartTime,
  parseTimeValue,
  toCompact,
} from '../../../src-main/runsignup/emulator/time';
import { toXml } from '../../../src-main/runsignup/emulator/xml';

describe('time values', () => {
  it('parses every documented format to milliseconds', () => {
    expect(parseTimeValue('1:02:03.456')).toEqual({ kind: 'time', ms: 3_723_456, digits: 3 });
    expect(parseTimeValue('01:02:03.45')).toEqual({ kind: 'time', ms: 3_723_450, digits: 2 });
    expect(parseTimeValue('17:00.1')).toEqual({ kind: 'time', ms: 1_020_100, digits: 1 });
    expect(parseTimeValue('100:00:00.5')).toEqual({ kind: 'time', ms: 360_000_500, digits: 1 });
    expect(parseTimeValue('8:27')).toEqual({ kind: 'time', ms: 507_000, digits: 0 });
  });

  it('knows statuses (any case) and X', () => {
    expect(parseTimeValue('dnf')).toEqual({ kind: 'status', status: 'DNF' });
    expect(parseTimeValue('DQ')).toEqual({ kind: 'status', status: 'DQ' });
    expect(parseTimeValue('x')).toEqual({ kind: 'clear' });
  });

  it('refuses malformed times', () => {
    for (const bad of [
      '',
      '5',
      '5.0',
      '1:2:3',
      '12:3',
      '12:60',
      '1:60:00',
      '1:00:00.1234',
      'abc',
      '1:00:00:00',
      '-1:00',
      '1,00',
    ]) {
      expect(parseTimeValue(bad), bad).toBeNull();
    }
  });

  it('compact form round-trips: parse(compact(t)) is the same time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 * 3600_000 }),
        fc.integer({ min: 0, max: 3 }),
        (raw, digits) => {
          const ms = raw - (raw % 10 ** (3 - digits));
          const text = compactTime(ms, digits);
          expect(parseTimeValue(text)).toEqual({ kind: 'time', ms, digits });
        },
      ),
    );
  });

  it('compact form drops zero hours and minute padding like get-results', () => {
    expect(toCompact('0:08:27.42')).toBe('8:27.42');
    expect(toCompact('00:00:59.9')).toBe('0:59.9');
    expect(toCompact('1:00:00')).toBe('1:00:00');
    expect(toCompact('X')).toBeNull();
  });

  it('validates start times as real dates', () => {
    expect(parseStartTime('2026-05-16 08:00:00')).toBe('2026-05-16 08:00:00');
    expect(parseStartTime('2026-05-16 08:00:00.25')).toBe('2026-05-16 08:00:00.25');
    for (const bad of [
      '2026-02-30 08:00:00',
      '2026-05-16 24:00:00',
      '2026-05-16 08:60:00',
      '5/16/2026 08:00',
      '',
    ]) {
      expect(parseStartTime(bad), bad).toBeNull();
    }
  });
});

describe('request payloads', () => {
  it('CSV: quotes, doubled quotes, commas and line breaks inside quotes, CRLF, blank lines', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",2\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
  });

  it('CSV rows: header names the fields; a short row is an error naming it', () => {
    expect(parseCsvRows('\uFEFFbib,clock_time\n12,20:00\n')).toEqual([
      { bib: '12', clock_time: '20:00' },
    ]);
    const bad = parseCsvRows('bib,clock_time\n12\n');
    expect(bad).toBeInstanceOf(ApiError);
    expect((bad as ApiError).message).toMatch(/row 1/);
  });

  it('CSV survives any cell content when quoted', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (cells) => {
        const line = cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
        const header = cells.map((_, i) => `f${i}`).join(',');
        const rows = parseCsvRows(`${header}\n${line}\n`);
        expect(rows).toEqual([Object.fromEntries(cells.map((c, i) => [`f${i}`, c]))]);
      }),
    );
  });

  it('JSON rows: numbers become text, null stays null, objects are refused', () => {
    expect(parseJsonRows('{"results":[{"bib":12,"clock_time":null,"x":"DNF"}]}')).toEqual([
      { bib: '12', clock_time: null, x: 'DNF' },
    ]);
    expect(parseJsonRows('{"results":[{"bib":{"n":1}}]}')).toBeInstanceOf(ApiError);
    expect(parseJsonRows('[]')).toBeInstanceOf(ApiError);
  });

  it('XML rows: name/value fields, an empty value is blank, one result or many', () => {
    const one = parseXmlRows(
      '<request><result><field><name>bib</name><value>7</value></field><field><name>chip_time</name><value/></field></result></request>',
    );
    expect(one).toEqual([{ bib: '7', chip_time: '' }]);
    const many = parseXmlRows(
      '<?xml version="1.0"?><request><result><field><name>bib</name><value>1</value></field></result><result><field><name>bib</name><value>2</value></field></result></request>',
    );
    expect(many).toEqual([{ bib: '1' }, { bib: '2' }]);
    expect(parseXmlRows('<results/>')).toBeInstanceOf(ApiError);
    expect(parseXmlRows('<request><result>')).toBeInstanceOf(ApiError);
  });

  it('form bodies: url-encoded, multipart and raw JSON', () => {
    expect(
      parseFormBody('application/x-www-form-urlencoded', 'request=%7B%7D&request_format=json'),
    ).toEqual({ request: '{}', request_format: 'json' });
    expect(parseFormBody('application/json', '{"results":[]}')).toEqual({
      request: '{"results":[]}',
      request_format: 'json',
    });
    const mp = parseFormBody(
      'multipart/form-data; boundary=zz',
      '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--\r\n',
    );
    expect(mp).toEqual({ a: '1' });
    expect(parseFormBody('multipart/form-data', 'x')).toBeInstanceOf(ApiError);
  });
});

describe('XML serializer', () => {
  it('maps a single-key object to the root element, arrays to singular children, null to an empty element, escapes text', () => {
    const xml = toXml({
      race: {
        race_id: 1,
        name: 'A & B <5K>',
        events: [{ event_id: 2 }, { event_id: 3 }],
        details: null,
      },
    });
    expect(xml).toContain(
      '<race><race_id>1</race_id><name>A &amp; B &lt;5K&gt;</name><events><event><event_id>2</event_id></event><event><event_id>3</event_id></event></events><details/></race>',
    );
    const parsed = new XMLParser().parse(xml) as {
      race: { name: string; events: { event: Array<{ event_id: number }> } };
    };
    expect(parsed.race.name).toBe('A & B <5K>');
    expect(parsed.race.events.event.map((e) => e.event_id)).toEqual([2, 3]);
  });

  it('always produces parseable XML for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (a, b) => {
        const xml = toXml({ race: { name: a, details: b, events: [{ name: b }] } });
        expect(() => new XMLParser().parse(xml, true) as unknown).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });
});

describe('faults (pure parts)', () => {
  it('truncateBody always leaves something that does not parse as JSON', () => {
    for (const body of ['', '{}', '{"a":1}', JSON.stringify({ results: [{ bib: 1 }] })]) {
      expect(() => JSON.parse(truncateBody(body)) as unknown).toThrow();
    }
  });

  it('probability 1 always picks a kind from the list', () => {
    const picker = new FaultPicker({ probability: 1, kinds: ['http-500', 'reset'], seed: 3 });
    for (let i = 0; i < 50; i++) expect(['http-500', 'reset']).toContain(picker.next());
  });
});
