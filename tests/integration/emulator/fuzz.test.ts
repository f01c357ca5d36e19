// Bad input at every call: any parameter values, any request payload, any path. The emulator must
// answer every one with a well-formed answer (a RunSignup error envelope or a result), never crash
// and never a 5xx, so client tests can trust that a 5xx only ever comes from an injected fault.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src-main/runsignup/emulator';
import { call, ids } from './support';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ seed: 2 });
});
afterAll(async () => {
  await emu.close();
});

const CALLS: Array<['GET' | 'POST', string]> = [
  ['GET', ''],
  ['GET', '/participants'],
  ['GET', '/divisions/divisions'],
  ['GET', '/results/get-result-sets'],
  ['GET', '/results/result-set-splits'],
  ['POST', '/results/result-set-splits'],
  ['GET', '/results/get-results'],
  ['POST', '/results/full-results'],
  ['POST', '/results/new-result-set'],
  ['POST', '/results/clear-results'],
  ['GET', '/results/start-time'],
  ['POST', '/results/start-time'],
];

const PARAM_NAMES = [
  'event_id',
  'individual_result_set_id',
  'page',
  'results_per_page',
  'sort',
  'modified_after_timestamp',
  'request_format',
  'skip_invalid_registration_ids',
  'start_time',
  'future_events_only',
];

describe('any input', () => {
  it('every call answers any parameters and payload with JSON at HTTP 200', async () => {
    const i = ids(emu);
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom(
        String(i.fiveK),
        String(i.fiveKSet),
        '0',
        '-1',
        '1e9',
        'T',
        'json',
        'csv',
        'xml',
      ),
    );
    const payload = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .array(
          fc.dictionary(
            fc.constantFrom(
              'bib',
              'bib_num',
              'registration_id',
              'chip_num',
              'result_id',
              'clock_time',
              'chip_time',
              `split-${i.mile1}`,
              'place',
              'first_name',
              'last_name',
            ),
            fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          ),
          { maxLength: 4 },
        )
        .map((results) => JSON.stringify({ results })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CALLS),
        fc.dictionary(fc.constantFrom(...PARAM_NAMES), value),
        payload,
        async ([method, suffix], params, request) => {
          const r = await call(emu, method, `/race/${i.raceId}${suffix}`, {
            query: params,
            ...(method === 'POST'
              ? { form: { request, ...(params.request_format ? {} : { request_format: 'json' }) } }
              : {}),
          });
          expect(r.status).toBe(200);
          if (r.text !== '') expect(r.json).toBeDefined();
        },
      ),
      { numRuns: 150 },
    );
    expect(emu.log.every((l) => l.errorCode !== 4)).toBe(true);
  });

  it('any path under /Rest answers an error envelope, not a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/), { maxLength: 5 }),
        async (segments) => {
          const r = await call(emu, 'GET', `/${segments.join('/')}`);
          expect(r.status).toBe(200);
          expect(r.json).toBeDefined();
        },
      ),
      { numRuns: 60 },
    );
  });
});
