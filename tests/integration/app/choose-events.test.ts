import { describe, expect, it } from 'vitest';
import { chooseEvents } from '../../../src-main/app/service';
import type { RaceDetails } from '../../../src-shared/station-api';

const race: RaceDetails = {
  raceId: 1,
  name: 'Riverside 5K & 10K',
  events: [
    {
      eventId: 10,
      name: '5K',
      startTime: '6/1/2026 08:00',
      resultSets: [
        { resultSetId: 100, name: 'Overall' },
        { resultSetId: 101, name: 'Chip' },
      ],
      splits: [],
    },
    { eventId: 20, name: '10K', startTime: null, resultSets: [], splits: [] },
  ],
};

describe('chooseEvents', () => {
  it("takes the event's first result set unless one is named", () => {
    expect(chooseEvents(race, [10], undefined)).toEqual({
      ok: true,
      events: [{ eventId: 10, name: '5K', resultSetId: 100, scheduledStart: '6/1/2026 08:00' }],
    });
    const chosen = chooseEvents(race, [10], [{ eventId: 10, resultSetId: 101 }]);
    expect(chosen.ok && chosen.events[0]?.resultSetId).toBe(101);
  });

  it('explains every way a choice can be wrong', () => {
    expect(chooseEvents(race, [30], undefined)).toEqual({
      ok: false,
      error: 'Event 30 is not part of Riverside 5K & 10K.',
    });
    expect(chooseEvents(race, [20], undefined)).toEqual({
      ok: false,
      error: '10K has no result set on RunSignup yet: create one there, then try again.',
    });
    expect(chooseEvents(race, [10], [{ eventId: 10, resultSetId: 999 }])).toEqual({
      ok: false,
      error: 'Result set 999 does not belong to 5K.',
    });
    expect(chooseEvents(race, [10, 10], undefined)).toEqual({
      ok: false,
      error: 'Each event can be chosen only once.',
    });
  });
});
