// What the outbox is told about RunSignup when a test opens the core itself: the same as the app
// passes (src-main/app/core-adapter.ts), from runsignup/assumptions.ts.
import { CLIENT_ASSUMPTIONS } from '../../src-main/runsignup/assumptions';

/** The finish fields whose acknowledged "X" the outbox reads back before trusting the clear. */
export const READ_BACK_CLEARS_IN = CLIENT_ASSUMPTIONS.finishFieldsClearedByXNeedReadBack;
