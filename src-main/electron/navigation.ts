// Where the window may go and which files the app protocol serves. The renderer is served from
// a privileged custom scheme (not file://) so the CSP header applies and 'self' means our files
// only. Nothing else may load in the window: no navigation, no new windows, no webviews.
import { resolveStaticPath } from '../app/static-files';

export const APP_SCHEME = 'chute';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True only for our own origin: the renderer is one page, so even that is rarely needed. */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** `will-navigate` / `will-redirect`: stay on our own page, go nowhere else. */
export function isNavigationAllowed(targetUrl: string): boolean {
  return isAppUrl(targetUrl);
}

/** `setWindowOpenHandler`: never a new window. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** The file for a `chute://app/...` request, or null. */
export function resolveAppRequest(rootDir: string, url: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null || !isAppUrl(url)) return null;
  return resolveStaticPath(rootDir, parsed.pathname);
}
