// The preload with a stand-in `electron`: exactly three named functions reach the page, answers
// unwrap, refusals become errors, and subscriptions can be dropped.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PreloadBridge } from '../../../src-shared/wire';

afterEach(() => {
  vi.doUnmock('electron');
  vi.resetModules();
});

describe('preload bridge', () => {
  it('exposes window.chute with command, query and subscribe only', async () => {
    const exposed = new Map<string, unknown>();
    const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
    const invoke = vi.fn(async (channel: string, body: unknown) => {
      if ((body as { type: string }).type === 'bad') return { ok: false, error: 'Refused.' };
      return { ok: true, result: { channel, body } };
    });
    const ipcRenderer = {
      invoke,
      on: (channel: string, fn: (...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(fn);
      },
      removeListener: (channel: string, fn: (...args: unknown[]) => void) => {
        listeners.get(channel)?.delete(fn);
      },
    };
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer,
    }));
    await import('../../../src-main/electron/preload');

    expect([...exposed.keys()]).toEqual(['chute']);
    const bridge = exposed.get('chute') as PreloadBridge;
    expect(Object.keys(bridge).sort()).toEqual(['command', 'query', 'subscribe']);
    expect(Object.values(bridge).includes(ipcRenderer)).toBe(false);

    expect(await bridge.command({ type: 'undo' })).toEqual({
      channel: 'chute:command',
      body: { type: 'undo' },
    });
    expect(await bridge.query({ type: 'snapshot' })).toMatchObject({ channel: 'chute:query' });
    await expect(bridge.command({ type: 'bad' })).rejects.toThrow('Refused.');

    const seen: unknown[] = [];
    const stop = bridge.subscribe((event) => seen.push(event));
    for (const fn of listeners.get('chute:event') ?? [])
      fn({}, { type: 'changed', journalLength: 3 });
    stop();
    for (const fn of listeners.get('chute:event') ?? [])
      fn({}, { type: 'changed', journalLength: 4 });
    expect(seen).toEqual([{ type: 'changed', journalLength: 3 }]);
  });
});
