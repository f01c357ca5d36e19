// Bundled into an init script: installs the fake station before the renderer starts.
import { createFakeStation } from './fake-station';

const configured = !new URLSearchParams(location.search).has('unconfigured');
const fake = createFakeStation({ configured });
// The preload bridge shape for the renderer, and test controls beside it (never used by it).
(window as Window & { chute?: unknown; chuteFake?: unknown }).chute = fake;
(window as Window & { chuteFake?: unknown }).chuteFake = fake;
