// The practice race: a 5K and a 10K sharing one finish line, deterministic by seed. Pure: the
// same seed always gives the same race, so tests and training sessions are reproducible.
import { CITIES, FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES } from './names';
import { createRng, pick, randInt, type Rng } from './prng';

export interface PracticeSplitData {
  splitId: number;
  name: string;
  distance: number;
  units: 'M' | 'K';
}

export interface PracticeResultSetData {
  resultSetId: number;
  name: string;
  splits: PracticeSplitData[];
}

export interface PracticeEventData {
  eventId: number;
  name: string;
  /** Display distance, e.g. "5K". */
  distance: string;
  distanceMiles: number;
  raceEventDaysId: number;
  /** RunSignup's event time format, race time zone: `M/D/YYYY HH:MM`. */
  startTime: string;
  endTime: string;
  resultSets: PracticeResultSetData[];
}

export interface PracticeParticipantData {
  registrationId: number;
  userId: number;
  eventId: number;
  bib: number | null;
  chip: string | null;
  firstName: string;
  lastName: string;
  gender: 'M' | 'F';
  age: number;
  dob: string;
  email: string;
  city: string;
  state: string;
  zipcode: string;
  phone: string;
  /** Unix seconds. */
  registrationDate: number;
  /** Unix seconds; `modified_after_timestamp` compares against it (on-or-after). */
  lastModified: number;
}

export interface PracticeDivisionData {
  divisionId: number;
  eventId: number;
  name: string;
  shortName: string;
  minAge: number;
  maxAge: number;
  gender: 'M' | 'F';
}

export interface PracticeRaceData {
  seed: number;
  raceId: number;
  name: string;
  /** Race day, `YYYY-MM-DD`, in the race's time zone. */
  date: string;
  timeZone: string;
  /** false: GET race leaves `timezone` out (stations then use their own zone setting). */
  reportsTimeZone?: boolean;
  events: PracticeEventData[];
  participants: PracticeParticipantData[];
  divisions: PracticeDivisionData[];
}

const RACE_NAMES = [
  'Riverside Practice 5K & 10K',
  'Maple Hollow Turkey Trot',
  'Lakeshore Spring Dash',
  'Old Mill Harvest Run',
];

/** 2026-05-16 is a Saturday; the seed moves the race by whole weeks to keep it on a Saturday. */
function raceDate(rng: Rng): { y: number; m: number; d: number } {
  const base = Date.UTC(2026, 4, 16);
  const weeks = randInt(rng, 0, 20);
  const day = new Date(base + weeks * 7 * 86_400_000);
  return { y: day.getUTCFullYear(), m: day.getUTCMonth() + 1, d: day.getUTCDate() };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Unix seconds for a wall-clock time in US Eastern daylight time (UTC-4, race season). */
function easternToUnix(y: number, m: number, d: number, hh: number, mm: number): number {
  return Math.floor(Date.UTC(y, m - 1, d, hh + 4, mm) / 1000);
}

/** Field sizes to override (benchmarks need thousands of runners); the default is 300+ in all. */
export interface PracticeRaceSize {
  fiveK?: number;
  tenK?: number;
}

export function createPracticeRace(seed: number, size: PracticeRaceSize = {}): PracticeRaceData {
  if (!Number.isInteger(seed)) {
    throw new Error(`practice race seed must be an integer, got ${seed}`);
  }
  for (const [k, v] of Object.entries(size)) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 100_000)) {
      throw new Error(`practice race size ${k} must be a whole number 0..100000, got ${v}`);
    }
  }
  const rng = createRng(seed);
  const raceId = randInt(rng, 100_000, 899_999);
  const { y, m, d } = raceDate(rng);
  const when = (hh: number, mm: number) => `${m}/${d}/${y} ${pad2(hh)}:${pad2(mm)}`;
  const idBase = randInt(rng, 700_000, 799_000) * 10;
  const setBase = randInt(rng, 400_000, 499_000) * 10;
  const splitBase = randInt(rng, 1_000_000, 1_999_000) * 10;
  const raceDays = randInt(rng, 200_000, 299_999);

  const fiveK: PracticeEventData = {
    eventId: idBase + 1,
    name: '5K',
    distance: '5K',
    distanceMiles: 3.10686,
    raceEventDaysId: raceDays,
    startTime: when(8, 0),
    endTime: when(10, 0),
    resultSets: [
      {
        resultSetId: setBase + 1,
        name: '5K Overall Results',
        splits: [{ splitId: splitBase + 1, name: 'Mile 1', distance: 1, units: 'M' }],
      },
    ],
  };
  const tenK: PracticeEventData = {
    eventId: idBase + 2,
    name: '10K',
    distance: '10K',
    distanceMiles: 6.21371,
    raceEventDaysId: raceDays,
    startTime: when(8, 15),
    endTime: when(10, 30),
    resultSets: [
      {
        resultSetId: setBase + 2,
        name: '10K Overall Results',
        splits: [
          { splitId: splitBase + 2, name: '5K', distance: 5, units: 'K' },
          { splitId: splitBase + 3, name: '8K', distance: 8, units: 'K' },
        ],
      },
    ],
  };

  const participants: PracticeParticipantData[] = [];
  const raceStart = easternToUnix(y, m, d, 8, 0);
  let registrationId = randInt(rng, 50_000_000, 59_000_000);
  let userId = randInt(rng, 10_000_000, 19_000_000);
  const usedChips = new Set<string>();
  const addEvent = (event: PracticeEventData, count: number, firstBib: number) => {
    // Bibs are handed out in order with a few gaps (no-shows, spoiled bibs), like a real packet pickup.
    let bib = firstBib;
    for (let i = 0; i < count; i++) {
      const gender = rng() < 0.52 ? 'F' : 'M';
      const firstName = pick(rng, gender === 'F' ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES);
      const lastName = pick(rng, LAST_NAMES);
      const age = Math.min(85, Math.max(8, Math.round(18 + rng() * 30 + rng() * 25)));
      const place = pick(rng, CITIES);
      const withoutBib = rng() < 0.02; // day-of registrations with no bib assigned yet
      let chip: string | null = null;
      if (!withoutBib) {
        do chip = `E${randInt(rng, 0x100000, 0xffffff).toString(16).toUpperCase()}`;
        while (usedChips.has(chip));
        usedChips.add(chip);
      }
      const registered = raceStart - randInt(rng, 1, 120) * 86_400 - randInt(rng, 0, 86_399);
      const modified = rng() < 0.2 ? registered + randInt(rng, 60, 30 * 86_400) : registered;
      const dobYear = y - age - (rng() < 0.5 ? 1 : 0);
      participants.push({
        registrationId: registrationId,
        userId: userId,
        eventId: event.eventId,
        bib: withoutBib ? null : bib,
        chip,
        firstName,
        lastName,
        gender,
        age,
        dob: `${dobYear}-${pad2(randInt(rng, 1, 12))}-${pad2(randInt(rng, 1, 28))}`,
        email: `${firstName}.${lastName}${randInt(rng, 1, 99)}@example.com`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z0-9.@]/g, ''),
        city: place.city,
        state: place.state,
        zipcode: place.zipcode,
        phone: `555-${randInt(rng, 100, 999)}-${randInt(rng, 1000, 9999)}`,
        registrationDate: registered,
        lastModified: Math.min(modified, raceStart - 3600),
      });
      registrationId += randInt(rng, 1, 40);
      userId += randInt(rng, 1, 500);
      if (!withoutBib) bib += rng() < 0.05 ? 2 : 1;
    }
  };
  // The default counts are drawn even when overridden, so a size never shifts the rest of the race.
  const fiveKCount = randInt(rng, 190, 230);
  addEvent(fiveK, size.fiveK ?? fiveKCount, 1);
  // 10K bibs start at 1001, or above the 5K's last bib when the 5K field is that large.
  const lastFiveKBib = participants.reduce((max, p) => Math.max(max, p.bib ?? 0), 0);
  const tenKCount = randInt(rng, 130, 160);
  addEvent(
    tenK,
    size.tenK ?? tenKCount,
    Math.max(1001, Math.ceil((lastFiveKBib + 1) / 1000) * 1000 + 1),
  );

  const divisions: PracticeDivisionData[] = [];
  let divisionId = randInt(rng, 9_000_000, 9_500_000);
  const bands: Array<[number, number]> = [
    [1, 19],
    [20, 29],
    [30, 39],
    [40, 49],
    [50, 59],
    [60, 99],
  ];
  for (const event of [fiveK, tenK]) {
    for (const gender of ['F', 'M'] as const) {
      for (const [minAge, maxAge] of bands) {
        divisions.push({
          divisionId: divisionId++,
          eventId: event.eventId,
          name: `${gender === 'F' ? 'Female' : 'Male'} ${minAge}-${maxAge}`,
          shortName: `${gender}${minAge}-${maxAge}`,
          minAge,
          maxAge,
          gender,
        });
      }
    }
  }

  return {
    seed,
    raceId,
    name: pick(rng, RACE_NAMES),
    date: `${y}-${pad2(m)}-${pad2(d)}`,
    timeZone: 'America/New_York',
    events: [fiveK, tenK],
    participants,
    divisions,
  };
}
