// Playwright global setup: say out loud, once, at the top of the run, that the Electron shell
// tests are skipped here and where they do run (a skipped test's reason is easy to miss in the
// list reporter).
import { electronBinary, NO_ELECTRON_REASON } from './electron-binary';

export default function announceElectronSkip(): void {
  if (electronBinary() === null) console.log(`\n[electron tests] ${NO_ELECTRON_REASON}\n`);
}
