// Whether the OS gives us real encryption for stored credentials. Linux without a keyring makes
// safeStorage fall back to a hard-coded key ("basic_text"): that is plain text in disguise, so
// we keep credentials in memory only and tell the timer why they must be typed again.

export interface StoragePolicy {
  persist: boolean;
  warning: string | null;
}

export function secretStoragePolicy(facts: {
  encryptionAvailable: boolean;
  backend: string | null;
}): StoragePolicy {
  if (!facts.encryptionAvailable) {
    return {
      persist: false,
      warning:
        'This computer offers no encrypted credential storage: RunSignup credentials are kept for this session only and must be entered again after a restart.',
    };
  }
  if (facts.backend === 'basic_text') {
    return {
      persist: false,
      warning:
        'No system keyring was found (GNOME Keyring or KWallet): RunSignup credentials are kept for this session only and must be entered again after a restart.',
    };
  }
  return { persist: true, warning: null };
}
