// The practice race's runners as the e2e specs pick them: the bibs of an event, a bib's name.
import { createPracticeRace } from '../../../src-main/runsignup/emulator';

export function practiceRunners(seed: number) {
  const race = createPracticeRace(seed);
  const [fiveK, tenK] = race.events as [(typeof race.events)[number], (typeof race.events)[number]];
  return {
    race,
    fiveK,
    tenK,
    bibsOf: (eventId: number) =>
      race.participants
        .filter((p) => p.eventId === eventId && p.bib !== null)
        .map((p) => p.bib as number),
    nameOf: (bib: number) => {
      const p = race.participants.find((x) => x.bib === bib)!;
      return `${p.firstName} ${p.lastName}`;
    },
  };
}
