// Bundled into an init script: installs the fake station before the renderer starts.
import { createFakeStation } from './fake-station';

const configured = !new URLSearchParams(location.search).has('unconfigured');
(window as Window & { chute?: unknown }).chute = createFakeStation({ configured });
