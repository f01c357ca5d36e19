import { describe, expect, it } from 'vitest';
import { dispatchText, MAX_MESSAGE_BYTES } from '../../../src-main/app/dispatch';
import type { StationApi } from '../../../src-shared/station-api';

function fakeApi(overrides: Partial<StationApi> = {}): StationApi {
  return {
    command: async () => ({ ok: true, seq: 1, warnings: [] }),
    query: (async () => ({ echoed: true })) as StationApi['query'],
    subscribe: () => () => {},
    ...overrides,
  };
}

describe('dispatchText', () => {
  it('runs a valid command and returns its CommandResult as the result', async () => {
    const answer = await dispatchText(
      fakeApi(),
      JSON.stringify({ id: 3, kind: 'command', body: { type: 'tap', at: 1 } }),
    );
    expect(answer).toEqual({ id: 3, ok: true, result: { ok: true, seq: 1, warnings: [] } });
  });

  it('answers every kind of junk with a readable error and the id when there is one', async () => {
    const api = fakeApi();
    expect(await dispatchText(api, '{not json')).toEqual({
      id: null,
      ok: false,
      error: 'The message is not valid JSON.',
    });
    const noKind = await dispatchText(api, JSON.stringify({ id: 9, kind: 'delete', body: {} }));
    expect(noKind).toMatchObject({ id: 9, ok: false });
    expect('error' in noKind && noKind.error).toMatch(/did not understand the request/);
    const badBody = await dispatchText(
      api,
      JSON.stringify({ id: 4, kind: 'command', body: { type: 'tap', at: 'soon' } }),
    );
    expect(badBody).toMatchObject({ id: 4, ok: false });
    expect(await dispatchText(api, 'x'.repeat(MAX_MESSAGE_BYTES + 1))).toMatchObject({
      id: null,
      ok: false,
    });
    expect(await dispatchText(api, JSON.stringify({ id: -1, kind: 'query' }))).toMatchObject({
      id: null,
      ok: false,
    });
  });

  it('turns a throwing station into an error answer', async () => {
    const api = fakeApi({
      query: (async () => {
        throw new Error('The race is not cached.');
      }) as StationApi['query'],
    });
    expect(
      await dispatchText(api, JSON.stringify({ id: 1, kind: 'query', body: { type: 'races' } })),
    ).toEqual({ id: 1, ok: false, error: 'The race is not cached.' });
  });
});
