// electron-builder cannot run here (it downloads Electron), so its configuration is checked
// against the schema electron-builder itself validates with, plus the choices that matter.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validator does reject a broken configuration (so the check above means something)', async () => {
    await expect(
      validateConfiguration({ ...config, npmRebuild: 'yes' } as never, new DebugLogger(false)),
    ).rejects.toThrow(/npmRebuild/);
  });

  it('builds the three platforms and rebuilds the native module for Electron', () => {
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg']);
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
  });

  it('ships only the bundles (no sources, tests or maps)', () => {
    const files = config.files as string[];
    expect(files).toContain('dist/electron/**');
    expect(files).toContain('dist/renderer/**');
    expect(files.some((f) => /src-|tests/.test(f))).toBe(false);
    expect(files).toContain('!**/*.map');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main.cjs');
  });
});
