// The station's setup kept offline: its config, the race details and the participants list
// (so bibs resolve to names and events with no network).
import type { Database } from 'better-sqlite3';
import { Participant, StationConfig } from '../../../src-shared/domain';
import { RaceDetails } from '../../../src-shared/station-api';

export interface SetupStore {
  config(): StationConfig | null;
  saveConfig(config: StationConfig, at: number): void;
  race(raceId: number): RaceDetails | null;
  saveRace(details: RaceDetails, at: number): void;
  /** Replace the cached participants of the events present in `list` (a refresh). */
  saveParticipants(list: readonly Participant[]): void;
  /** Every cached participant with a bib, in download order. */
  participants(): Participant[];
}

export function createSetupStore(db: Database): SetupStore {
  const st = {
    config: db.prepare<[], { json: string }>(`SELECT json FROM station_config WHERE id = 1`),
    saveConfig: db.prepare(
      `INSERT INTO station_config (id, json, updated_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
    ),
    race: db.prepare<[number], { json: string }>(`SELECT json FROM race_cache WHERE race_id = ?`),
    saveRace: db.prepare(
      `INSERT INTO race_cache (race_id, json, fetched_at) VALUES (?, ?, ?)
       ON CONFLICT (race_id) DO UPDATE SET json = excluded.json, fetched_at = excluded.fetched_at`,
    ),
    dropEvent: db.prepare(`DELETE FROM participants WHERE event_id = ?`),
    addParticipant: db.prepare(
      `INSERT INTO participants (event_id, bib, registration_id, json) VALUES (?, ?, ?, ?)`,
    ),
    // One JSON array written by SQLite from the stored text (CHECK json_valid: no json()
    // re-parse), parsed once (cold start with tens of thousands).
    participants: db
      .prepare<[], string | null>(
        `SELECT '[' || group_concat(json, ',' ORDER BY id) || ']'
         FROM participants WHERE bib IS NOT NULL`,
      )
      .pluck(),
  };
  return {
    // Stored rows were validated on the way in; parse again anyway: this runs rarely and a
    // hand-edited or older file must not crash the station.
    config() {
      const row = st.config.get();
      if (!row) return null;
      const parsed = StationConfig.safeParse(JSON.parse(row.json));
      if (!parsed.success)
        throw new Error(
          'The stored station configuration is unreadable; configure the station again.',
        );
      return parsed.data;
    },
    saveConfig(config, at) {
      st.saveConfig.run(JSON.stringify(StationConfig.parse(config)), at);
    },
    race(raceId) {
      const row = st.race.get(raceId);
      if (!row) return null;
      const parsed = RaceDetails.safeParse(JSON.parse(row.json));
      return parsed.success ? parsed.data : null;
    },
    saveRace(details, at) {
      const valid = RaceDetails.parse(details);
      st.saveRace.run(valid.raceId, JSON.stringify(valid), at);
    },
    saveParticipants(list) {
      const valid = list.map((p) => Participant.parse(p));
      db.transaction(() => {
        for (const eventId of new Set(valid.map((p) => p.eventId))) st.dropEvent.run(eventId);
        for (const p of valid)
          st.addParticipant.run(p.eventId, p.bib, p.registrationId, JSON.stringify(p));
      })();
    },
    participants() {
      // Trusted rows (validated on the way in); no per-row zod at start-up.
      return JSON.parse(st.participants.get() ?? '[]') as Participant[];
    },
  };
}
