import { describe, expect, it, vi } from 'vitest';
import { createStationClient, type Transport } from '../../../src-renderer/api/client';
import {
  createElectronTransport,
  isPreloadBridge,
} from '../../../src-renderer/api/electron-transport';
import type { StationEvent } from '../../../src-shared/station-api';
import { snapshot } from './fixtures';

function fakeTransport(answer: (kind: string, body: unknown) => unknown) {
  const listeners = new Set<(e: unknown) => void>();
  const sent: Array<{ kind: string; body: unknown }> = [];
  const t: Transport = {
    async request(kind, body) {
      sent.push({ kind, body });
      return answer(kind, body);
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { t, sent, push: (e: unknown) => listeners.forEach((l) => l(e)) };
}

describe('createStationClient', () => {
  it('sends a valid command and parses its result', async () => {
    const f = fakeTransport(() => ({ ok: true, seq: 4, warnings: [] }));
    const api = createStationClient(f.t);
    await expect(api.command({ type: 'tap', at: 1_700_000_000_000, bib: '12' })).resolves.toEqual({
      ok: true,
      seq: 4,
      warnings: [],
    });
    expect(f.sent).toEqual([
      { kind: 'command', body: { type: 'tap', at: 1_700_000_000_000, bib: '12' } },
    ]);
  });
  it('refuses an invalid command before sending it, with the reason', async () => {
    const f = fakeTransport(() => ({ ok: true, seq: 1, warnings: [] }));
    const api = createStationClient(f.t);
    const r = await api.command({ type: 'tap', at: -5 } as never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^Not sent: at/);
    expect(f.sent).toHaveLength(0);
  });
  it('turns a transport failure or a malformed answer into a NOT-saved result', async () => {
    const failing = createStationClient({
      request: () => Promise.reject(new Error('link dropped')),
      subscribe: () => () => {},
    });
    await expect(failing.command({ type: 'undo' })).resolves.toEqual({
      ok: false,
      error: 'link dropped',
    });
    const garbled = createStationClient(fakeTransport(() => ({ ok: 'yes' })).t);
    const r = await garbled.command({ type: 'undo' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/malformed/);
  });
  it('parses each query answer with the schema of what was asked', async () => {
    const snap = snapshot([]);
    const f = fakeTransport((_k, body) =>
      (body as { type: string }).type === 'snapshot' ? snap : { nope: 1 },
    );
    const api = createStationClient(f.t);
    await expect(api.query({ type: 'snapshot' })).resolves.toEqual(snap);
    await expect(api.query({ type: 'races' })).rejects.toThrow(/answer to races was malformed/);
    await expect(api.query({ type: 'journal', limit: 0 })).rejects.toThrow(/Query not sent: limit/);
  });
  it('passes valid events and drops malformed ones with a warning', () => {
    const f = fakeTransport(() => null);
    const bad = vi.fn();
    const api = createStationClient(f.t, bad);
    const got: StationEvent[] = [];
    const off = api.subscribe((e) => got.push(e));
    f.push({ type: 'changed', journalLength: 3 });
    f.push({ type: 'changed' });
    f.push({ type: 'progress', task: 'participants', done: 5, total: 10 });
    off();
    f.push({ type: 'changed', journalLength: 4 });
    expect(got).toEqual([
      { type: 'changed', journalLength: 3 },
      { type: 'progress', task: 'participants', done: 5, total: 10 },
    ]);
    expect(bad).toHaveBeenCalledTimes(1);
  });
});

describe('Electron transport', () => {
  it('recognises the preload bridge and routes commands and queries', async () => {
    const bridge = {
      command: vi.fn(async () => ({ ok: true, seq: null, warnings: [] })),
      query: vi.fn(async () => []),
      subscribe: vi.fn(() => () => {}),
    };
    expect(isPreloadBridge(bridge)).toBe(true);
    expect(isPreloadBridge({ command: 1 })).toBe(false);
    expect(isPreloadBridge(null)).toBe(false);
    const api = createStationClient(createElectronTransport(bridge));
    await api.command({ type: 'retry' });
    await api.query({ type: 'races' });
    expect(bridge.command).toHaveBeenCalledWith({ type: 'retry' });
    expect(bridge.query).toHaveBeenCalledWith({ type: 'races' });
  });
});
