// Entry point: pick the transport (Electron preload or the web host's socket), build the store,
// render. Bundled by scripts/build.ts into dist/renderer/app.js.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api-context';
import { connectFromWindow } from './api';
import { App } from './App';
import { StoreContext } from './context';
import { HostContext } from './host-context';
import { playSound } from './sounds';
import { createChuteStore } from './store';

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html has no #root element');

try {
  const connected = connectFromWindow(window as Window & { chute?: unknown });
  const store = createChuteStore({
    api: connected.api,
    onLink: connected.onLink,
    ...(connected.onRights ? { onRights: connected.onRights } : {}),
    onOutcome: playSound,
  });
  createRoot(rootEl).render(
    <StrictMode>
      <ApiContext.Provider value={connected.api}>
        <StoreContext.Provider value={store}>
          <HostContext.Provider value={connected.host}>
            <App />
          </HostContext.Provider>
        </StoreContext.Provider>
      </ApiContext.Provider>
    </StrictMode>,
  );
} catch (error) {
  rootEl.textContent = `Chute could not start: ${error instanceof Error ? error.message : String(error)}`;
  rootEl.className = 'fatal';
}
