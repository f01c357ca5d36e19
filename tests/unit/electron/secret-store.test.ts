// The safeStorage-backed credential store with a stand-in cipher: what reaches the disk is only
// ever the cipher's output, and without OS encryption nothing reaches the disk at all.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const SECRET = 'sk_live_very-secret-value';

function fakeSafeStorage(available: boolean, backend = 'gnome_libsecret') {
  // XOR with a key: enough to prove the store writes ciphertext, not the plain value.
  const xor = (buf: Buffer) => Buffer.from(buf.map((b) => b ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (text: string) => xor(Buffer.from(`enc:${text}`, 'utf8')),
    decryptString: (data: Buffer) => {
      const text = xor(data).toString('utf8');
      if (!text.startsWith('enc:')) throw new Error('not ours');
      return text.slice(4);
    },
  };
}

const dirs: string[] = [];
afterEach(() => {
  vi.doUnmock('electron');
  vi.resetModules();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function load(available: boolean, backend?: string) {
  vi.resetModules();
  vi.doMock('electron', () => ({ safeStorage: fakeSafeStorage(available, backend) }));
  return import('../../../src-main/electron/secret-store');
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chute-secrets-'));
  dirs.push(dir);
  return dir;
}

describe('safeStorage secret store', () => {
  it('writes only ciphertext, owner-readable, and reads it back after a restart', async () => {
    const dir = tempDir();
    const { safeStorageSecretStore } = await load(true);
    const first = await safeStorageSecretStore(dir);
    expect(first.warning).toBeNull();
    expect(first.store.persistent).toBe(true);
    await first.store.set('runsignup-connection', JSON.stringify({ apiSecret: SECRET }));
    const file = path.join(dir, 'credentials.bin');
    expect(readFileSync(file).toString('utf8')).not.toContain(SECRET);
    expect(readFileSync(file).toString('latin1')).not.toContain(SECRET);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o077).toBe(0);

    const second = await safeStorageSecretStore(dir);
    expect(JSON.parse((await second.store.get('runsignup-connection'))!)).toEqual({
      apiSecret: SECRET,
    });
    await second.store.delete('runsignup-connection');
    const third = await safeStorageSecretStore(dir);
    expect(await third.store.get('runsignup-connection')).toBeNull();
  });

  it('starts empty when the file cannot be decrypted (another user or keyring)', async () => {
    const dir = tempDir();
    const { safeStorageSecretStore } = await load(true);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'credentials.bin'), 'garbage');
    const { store } = await safeStorageSecretStore(dir);
    expect(await store.get('runsignup-connection')).toBeNull();
  });

  it.each<[boolean, string]>([
    [false, 'gnome_libsecret'],
    // The keyring backend is a Linux notion: elsewhere safeStorage's answer is the OS's.
    ...(process.platform === 'linux' ? ([[true, 'basic_text']] as Array<[boolean, string]>) : []),
  ])(
    'keeps credentials in memory only when encryption=%s backend=%s, with a warning',
    async (available, backend) => {
      const dir = tempDir();
      const { safeStorageSecretStore } = await load(available, backend);
      const { store, warning } = await safeStorageSecretStore(dir);
      expect(warning).toMatch(/session only/);
      expect(store.persistent).toBe(false);
      await store.set('runsignup-connection', SECRET);
      expect(await store.get('runsignup-connection')).toBe(SECRET);
      expect(existsSync(path.join(dir, 'credentials.bin'))).toBe(false);
    },
  );
});
