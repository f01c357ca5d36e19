import { describe, expect, it } from 'vitest';
import { Command, Connection, type RaceDetails } from '../../../src-shared/station-api';
import {
  CALLER_REGISTRATION_HINT,
  EMPTY_CONNECTION_FORM,
  RUNSIGNUP_TEST_URL,
  RUNSIGNUP_URL,
  buildConfigure,
  buildConnection,
  splitChoices,
} from '../../../src-renderer/lib/setup-form';

describe('buildConnection', () => {
  it('builds each connection the contract accepts', () => {
    const practice = buildConnection(EMPTY_CONNECTION_FORM);
    expect(practice).toEqual({ ok: true, value: { auth: 'practice' } });
    const key = buildConnection({
      ...EMPTY_CONNECTION_FORM,
      host: 'runsignup-test',
      apiKey: ' k ',
      apiSecret: 's',
    });
    expect(key).toEqual({
      ok: true,
      value: { auth: 'api-key', baseUrl: RUNSIGNUP_TEST_URL, apiKey: 'k', apiSecret: 's' },
    });
    const login = buildConnection({
      ...EMPTY_CONNECTION_FORM,
      host: 'custom',
      customUrl: 'http://127.0.0.1:4000/Rest/',
      auth: 'login',
      email: 'a@b.c',
      password: ' p w ',
    });
    expect(login.ok).toBe(true);
    if (login.ok) {
      expect(login.value).toMatchObject({
        baseUrl: 'http://127.0.0.1:4000/Rest',
        password: ' p w ',
      });
      expect(Connection.safeParse(login.value).success).toBe(true);
    }
  });
  it('adds the API caller registration to every live mode, both or neither, on the production address', () => {
    const live = {
      ...EMPTY_CONNECTION_FORM,
      host: 'runsignup' as const,
      apiKey: 'k',
      apiSecret: 's',
    };
    const both = buildConnection({ ...live, callerToken: ' ct ', callerSecret: 'cs' });
    expect(both).toEqual({
      ok: true,
      value: {
        auth: 'api-key',
        baseUrl: RUNSIGNUP_URL,
        apiKey: 'k',
        apiSecret: 's',
        callerToken: 'ct',
        callerSecret: 'cs',
      },
    });
    expect(RUNSIGNUP_URL).toBe('https://api.runsignup.com/rest');
    if (both.ok) expect(Connection.safeParse(both.value).success).toBe(true);
    expect(buildConnection({ ...live, callerToken: 'ct' })).toEqual({
      ok: false,
      errors: ['Give both the API caller token and its secret, or neither'],
    });
    expect(buildConnection(live)).toMatchObject({ ok: true, value: { auth: 'api-key' } });
    expect(CALLER_REGISTRATION_HINT).toMatch(/API Keys page of your RunSignup account/);
  });
  it('builds an OAuth connection, with its renewal both or neither', () => {
    const oauth = {
      ...EMPTY_CONNECTION_FORM,
      host: 'runsignup' as const,
      auth: 'bearer' as const,
      accessToken: ' at ',
      callerToken: 'ct',
      callerSecret: 'cs',
    };
    const plain = buildConnection(oauth);
    expect(plain).toEqual({
      ok: true,
      value: {
        auth: 'bearer',
        baseUrl: RUNSIGNUP_URL,
        token: 'at',
        callerToken: 'ct',
        callerSecret: 'cs',
      },
    });
    const renewing = buildConnection({ ...oauth, refreshToken: ' rt ', clientId: 'app-7' });
    expect(renewing).toMatchObject({
      ok: true,
      value: { auth: 'bearer', token: 'at', refreshToken: 'rt', clientId: 'app-7' },
    });
    if (renewing.ok) expect(Connection.safeParse(renewing.value).success).toBe(true);
    expect(buildConnection({ ...oauth, refreshToken: 'rt' })).toEqual({
      ok: false,
      errors: ['Give both the refresh token and the OAuth client id, or neither'],
    });
    expect(buildConnection({ ...oauth, accessToken: ' ' })).toEqual({
      ok: false,
      errors: ['OAuth access token is required'],
    });
  });
  it('lists every missing field and refuses a bad URL', () => {
    const r = buildConnection({ ...EMPTY_CONNECTION_FORM, host: 'runsignup', auth: 'v2-key' });
    expect(r).toEqual({ ok: false, errors: ['API key is required', 'API secret is required'] });
    expect(
      buildConnection({ ...EMPTY_CONNECTION_FORM, host: 'custom', customUrl: 'ftp://x' }).ok,
    ).toBe(false);
    expect(
      buildConnection({ ...EMPTY_CONNECTION_FORM, host: 'custom', customUrl: 'not a url' }).ok,
    ).toBe(false);
  });
});

const details: RaceDetails = {
  raceId: 5,
  name: 'Spring Run',
  events: [
    {
      eventId: 1,
      name: '5K',
      startTime: null,
      resultSets: [{ resultSetId: 11, name: 'Overall' }],
      splits: [{ resultSetId: 11, splitId: 101, name: 'Mile 1' }],
    },
    {
      eventId: 2,
      name: '10K',
      startTime: null,
      resultSets: [
        { resultSetId: 21, name: 'Overall' },
        { resultSetId: 22, name: 'Chip' },
      ],
      splits: [
        { resultSetId: 21, splitId: 201, name: 'Mile 1' },
        { resultSetId: 21, splitId: 202, name: '5K mark' },
      ],
    },
  ],
};

describe('splitChoices', () => {
  it('groups splits by name with one split id per event', () => {
    expect(splitChoices(details, [1, 2])).toEqual([
      {
        name: 'Mile 1',
        splits: [
          { eventId: 1, splitId: 101 },
          { eventId: 2, splitId: 201 },
        ],
      },
      { name: '5K mark', splits: [{ eventId: 2, splitId: 202 }] },
    ]);
    expect(splitChoices(details, [1])).toEqual([
      { name: 'Mile 1', splits: [{ eventId: 1, splitId: 101 }] },
    ]);
  });
});

describe('buildConfigure', () => {
  it('builds a configure command the contract accepts, with the chosen result sets', () => {
    const r = buildConfigure(
      {
        raceId: 5,
        events: { 1: 11, 2: 22 },
        role: 'Mile 1',
        stationName: ' Mile 1 ',
        precision: 2,
      },
      details,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Command.parse(r.value)).toEqual({
      type: 'configure',
      raceId: 5,
      eventIds: [1, 2],
      role: {
        kind: 'split',
        name: 'Mile 1',
        splits: [
          { eventId: 1, splitId: 101 },
          { eventId: 2, splitId: 201 },
        ],
      },
      stationName: 'Mile 1',
      precision: 2,
      resultSets: [
        { eventId: 1, resultSetId: 11 },
        { eventId: 2, resultSetId: 22 },
      ],
    });
  });
  it("sends the typed race time zone only when RunSignup's race data gives none", () => {
    const form = {
      raceId: 5,
      events: { 1: 11 },
      role: 'finish',
      stationName: 'Finish',
      precision: 1 as const,
      timeZone: ' America/Chicago ',
    };
    expect(buildConfigure(form, details)).toMatchObject({
      ok: true,
      value: { timeZone: 'America/Chicago' },
    });
    const withZone = buildConfigure(form, { ...details, timeZone: 'America/New_York' });
    expect(withZone.ok && 'timeZone' in withZone.value).toBe(false);
    const blank = buildConfigure({ ...form, timeZone: '' }, details);
    expect(blank.ok && 'timeZone' in blank.value).toBe(false);
  });
  it('keeps only the events that pass the chosen split', () => {
    const r = buildConfigure(
      {
        raceId: 5,
        events: { 1: 11, 2: 21 },
        role: '5K mark',
        stationName: '5K mark',
        precision: 1,
      },
      details,
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        eventIds: [2],
        role: { kind: 'split', splits: [{ eventId: 2, splitId: 202 }] },
        resultSets: [{ eventId: 2, resultSetId: 21 }],
      },
    });
  });
  it('says what is missing', () => {
    const r = buildConfigure(
      { raceId: null, events: {}, role: 'finish', stationName: '', precision: 1 },
      null,
    );
    expect(r).toEqual({
      ok: false,
      errors: ['Pick a race', 'Pick at least one event', 'Name this station (e.g. "Finish A")'],
    });
    const noSet = buildConfigure(
      { raceId: 5, events: { 1: null }, role: '5K mark', stationName: 'A', precision: 1 },
      details,
    );
    expect(noSet).toEqual({
      ok: false,
      errors: ['Pick a result set for 5K', 'None of the chosen events has a split named "5K mark"'],
    });
  });
});
