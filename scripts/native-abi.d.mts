// Types of native-abi.mjs (plain JavaScript so `npm start` runs it with Node alone).
export declare const ELECTRON_SQLITE_BINDING: string;
export declare const ELECTRON_SQLITE_ENV: string;
export declare function moduleVersionOfAddon(bytes: Uint8Array): number | null;
export declare function readAddonModuleVersion(file: string): number | null;
export declare function electronAbi(root: string): {
  version: string | null;
  modules: number | null;
};
export interface ShellFacts {
  forceWeb: boolean;
  electronBinary: string | null;
  electronVersion: string | null;
  electronModules: number | null;
  bindingPath: string;
  bindingExists: boolean;
  bindingModules: number | null;
}
export declare function chooseShell(facts: ShellFacts): {
  shell: 'electron' | 'web';
  reason: string | null;
};
export declare function shellFacts(
  root: string,
  given: { forceWeb: boolean; electronBinary: string | null },
): ShellFacts;
