// Which screens a screen may show: every one on the main screen, one on a paired device.
import { describe, expect, it } from 'vitest';
import { lockedScreen } from '../../../src-renderer/lib/rights';
import { createChuteStore } from '../../../src-renderer/store';
import type { StationApi } from '../../../src-shared/station-api';
import { snapshot } from './fixtures';

describe('the screen a device is locked to', () => {
  it('a device shows its own screen whatever the address asks; the main screen all', () => {
    expect(lockedScreen('display', null)).toBe('announcer');
    expect(lockedScreen('display', 'timing')).toBe('announcer');
    expect(lockedScreen('chute', 'announcer')).toBe('chute');
    expect(lockedScreen('main', 'announcer')).toBeNull();
    expect(lockedScreen('main', null)).toBeNull();
  });
  it("until the host says, a device's link opens locked and any other address does not", () => {
    expect(lockedScreen(null, 'announcer')).toBe('announcer');
    expect(lockedScreen(null, 'chute')).toBe('chute');
    expect(lockedScreen(null, 'review')).toBeNull();
    expect(lockedScreen(null, null)).toBeNull();
  });
});

describe('the store on a paired device', () => {
  function started() {
    let tell: (r: 'main' | 'chute' | 'display') => void = () => {};
    const api: StationApi = {
      command: () => Promise.resolve({ ok: true, seq: 1, warnings: [] }),
      query: () => Promise.resolve(snapshot([])) as never,
      subscribe: () => () => {},
    };
    const store = createChuteStore({
      api,
      onRights: (l) => {
        tell = l;
        return () => {};
      },
    });
    store.getState().start();
    return { store, tell: (r: 'main' | 'chute' | 'display') => tell(r) };
  }

  it('a read-only display stays on the announcer display; the main screen switches freely', () => {
    const { store, tell } = started();
    store.getState().openAddressScreen(null);
    tell('display');
    expect(store.getState().screen).toBe('announcer');
    store.getState().setScreen('timing');
    expect(store.getState().screen).toBe('announcer');

    const main = started();
    main.store.getState().openAddressScreen('announcer');
    expect(main.store.getState().locked).toBe('announcer');
    main.tell('main');
    expect(main.store.getState().locked).toBeNull();
    main.store.getState().setScreen('timing');
    expect(main.store.getState().screen).toBe('timing');
  });
});
