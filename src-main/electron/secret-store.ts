// Credentials encrypted with Electron's safeStorage (Keychain, DPAPI, libsecret/KWallet) in one
// file under userData. Without real OS encryption they stay in memory for the session only:
// never plain text on disk.
import { safeStorage } from 'electron';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { memorySecretStore, type SecretStore } from '../app/ports';
import { secretStoragePolicy } from './secrets-policy';

export async function safeStorageSecretStore(
  dir: string,
): Promise<{ store: SecretStore; warning: string | null }> {
  const policy = secretStoragePolicy({
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
  });
  if (!policy.persist) return { store: memorySecretStore(), warning: policy.warning };

  const file = path.join(dir, 'credentials.bin');
  let values: Record<string, string> = {};
  try {
    const decrypted = safeStorage.decryptString(await readFile(file));
    const parsed: unknown = JSON.parse(decrypted);
    if (parsed && typeof parsed === 'object') values = parsed as Record<string, string>;
  } catch {
    // Missing, or encrypted by another user/keyring: start empty (the timer reconnects).
  }
  async function save(): Promise<void> {
    const tmp = `${file}.tmp`;
    await writeFile(tmp, safeStorage.encryptString(JSON.stringify(values)), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  }
  return {
    warning: null,
    store: {
      persistent: true,
      get: async (key) => values[key] ?? null,
      async set(key, value) {
        values = { ...values, [key]: value };
        await save();
      },
      async delete(key) {
        if (!(key in values)) return;
        const { [key]: _gone, ...rest } = values;
        values = rest;
        await save();
      },
    },
  };
}
