// Every recorded RunSignup response in tests/fixtures/runsignup goes through the client's
// parsers. A fixture added without an expectation here fails the suite.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src-main/runsignup/body';
import { interpretAnswer } from '../../../src-main/runsignup/interpret';
import {
  parseParticipantsPage,
  parseRace,
  parseResultSets,
  parseResultsPage,
} from '../../../src-main/runsignup/responses';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/runsignup',
);

function answer(file: string) {
  return interpretAnswer(
    {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      text: readFileSync(path.join(FIXTURES, file), 'utf8'),
    },
    0,
  );
}

function jsonOf(file: string): unknown {
  const r = answer(file);
  if (!r.ok) throw new Error(`${file}: ${r.error.message}`);
  if (r.decoded.type !== 'json') throw new Error(`${file} is not JSON`);
  return r.decoded.value;
}

const ERROR_FIXTURES: Record<string, { code: number; kind: string; message: string }> = {
  'error-event-not-found.json': { code: 301, kind: 'not-found', message: 'Event not found.' },
  'error-key-auth-failed.json': { code: 6, kind: 'auth', message: 'Key authentication failed' },
  'error-permission-denied.json': { code: 7, kind: 'auth', message: 'Permission Denied' },
  'error-race-not-found.json': { code: 201, kind: 'not-found', message: 'Race not found.' },
};

const DATA_FIXTURES: Record<string, () => void> = {
  'get-race.json': () => {
    const race = parseRace(jsonOf('get-race.json'));
    expect(race.raceId).toBe(85675);
    expect(race.name).toBe('Running Up For Air');
    expect(race.nextDate).toBe('02/10/2023'); // escaped slashes decoded
    expect(race.events.map((e) => e.eventId)).toEqual([661702, 661703, 661817]);
    expect(race.events[0]).toEqual({
      eventId: 661702,
      name: '24 hr',
      startTime: '2/10/2023 18:00',
      endTime: '2/11/2023 18:00',
      distance: null,
    });
  },
  'get-participants.json': () => {
    const page = parseParticipantsPage(jsonOf('get-participants.json'), 1);
    expect(page.rawCount).toBe(2);
    expect(page.participants).toEqual([
      {
        registrationId: null,
        eventId: 661702,
        bib: 3,
        chip: null,
        firstName: 'Bubba',
        lastName: 'Gump',
        gender: 'M',
        age: 64,
      },
      {
        registrationId: null,
        eventId: 661702,
        bib: 5,
        chip: null,
        firstName: 'Jenny',
        lastName: 'Gump',
        gender: 'F',
        age: 63,
      },
    ]);
  },
  'get-results.json': () => {
    const value = jsonOf('get-results.json');
    const sets = parseResultSets(value);
    expect(sets).toHaveLength(1);
    expect(sets[0]?.resultSetId).toBe(691649);
    expect(Object.keys(sets[0]?.headers ?? {})).toContain('clock_time');
    expect(sets[0]?.headers['division-9554899-placement']).toBe('M 1-99');
    const rows = parseResultsPage(value, 691649);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatchObject({
      bib: 100,
      place: 1,
      clock_time: '8:27.42',
      chip_time: '',
      city: null,
    });
    expect(rows.map((r) => r['bib'])).toEqual([100, 101, 102, 103, 104, 105]);
  },
};

describe('recorded RunSignup fixtures', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

  it('finds the fixture folder beside the repo', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it('has an expectation for every fixture file', () => {
    const covered = new Set([...Object.keys(ERROR_FIXTURES), ...Object.keys(DATA_FIXTURES)]);
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });

  for (const [file, want] of Object.entries(ERROR_FIXTURES)) {
    it(`${file}: the HTTP 200 envelope is an error ${want.code} (${want.kind})`, () => {
      const r = answer(file);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe(want.code);
      expect(r.error.kind).toBe(want.kind);
      expect(r.error.message).toBe(want.message);
      expect(r.error.httpStatus).toBe(200);
    });
  }

  for (const [file, check] of Object.entries(DATA_FIXTURES)) {
    it(`${file}: parses to the station's vocabulary`, () => {
      expect(answer(file).ok).toBe(true);
      check();
    });
  }

  it('every fixture cut short anywhere is "truncated" (retryable), never a crash', () => {
    for (const file of files) {
      const text = readFileSync(path.join(FIXTURES, file), 'utf8').trim();
      for (const cut of [
        1,
        Math.floor(text.length / 3),
        Math.floor(text.length / 2),
        text.length - 1,
      ]) {
        const decoded = decodeBody(text.slice(0, cut));
        expect(decoded.type, `${file} cut at ${cut}`).toBe('truncated');
        const r = interpretAnswer({ status: 200, headers: {}, text: text.slice(0, cut) }, 0);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.kind).toBe('retryable');
      }
    }
  });
});
