// The web host's transport with a scripted station: token, Host/Origin checks, junk handling,
// event push, static files with the CSP. (host-practice.test.ts runs it over the real service.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StationApi, StationEvent } from '../../../src-shared/station-api';
import { startWebHost, type WebHost } from '../../../src-main/web/server';
import { openSocket, request } from './support';
import { waitFor } from '../../support/poll';

describe('web host transport', () => {
  let dir: string;
  let host: WebHost;
  const listeners = new Set<(e: StationEvent) => void>();
  const commands: unknown[] = [];
  const api: StationApi = {
    async command(command) {
      commands.push(command);
      return { ok: true, seq: commands.length, warnings: [] };
    },
    query: (async () => ({ hello: 'world' })) as StationApi['query'],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'chute-web-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Chute</title>');
    await writeFile(path.join(dir, 'app.js'), 'console.log(1)');
    host = await startWebHost({ api, rendererDir: dir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the renderer with a strict CSP naming its own socket', async () => {
    const res = await fetch(host.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Chute</title>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`ws://127.0.0.1:${host.port}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await fetch(`${host.origin}/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${host.origin}/../../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${host.origin}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    expect((await fetch(`${host.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a socket without the right token, from another origin, or at another path', async () => {
    const refused = async (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => {});
      });
    const base = `ws://127.0.0.1:${host.port}`;
    expect(await refused(`${base}/ws`)).toBe(401);
    expect(await refused(`${base}/ws?token=wrong`)).toBe(401);
    expect(await refused(`${base}/ws?token=${host.token}x`)).toBe(401);
    expect(await refused(`${base}/other?token=${host.token}`)).toBe(404);
    expect(
      await refused(`${base}/ws?token=${host.token}`, { Origin: 'https://evil.example' }),
    ).toBe(403);
    expect(await refused(`${base}/ws?token=${host.token}`, { Host: 'evil.example' })).toBe(421);
    expect(await refused(`${base}/ws?token=${host.token}`)).toBe(101);
  });

  it('answers junk with clear errors and keeps the socket open', async () => {
    const socket = await openSocket(host);
    try {
      const junk = await socket.next(() => socket.ws.send('{"oops"'));
      expect(junk).toEqual({ id: null, ok: false, error: 'The message is not valid JSON.' });
      const bad = await socket.next(() =>
        socket.ws.send(JSON.stringify({ id: 5, kind: 'command', body: { type: 'explode' } })),
      );
      expect(bad).toMatchObject({ id: 5, ok: false });
      expect((bad as { error: string }).error).toMatch(/did not understand/);
      const binary = await socket.next(() => socket.ws.send(Buffer.from([1, 2, 3])));
      expect(binary).toMatchObject({ id: null, ok: false });
      // Still alive: a real command goes through.
      const ok = await request(socket, { id: 6, kind: 'command', body: { type: 'undo' } });
      expect(ok).toEqual({
        id: 6,
        ok: true,
        result: { ok: true, seq: commands.length, warnings: [] },
      });
    } finally {
      socket.ws.close();
    }
  });

  it('pushes station events to every open socket and stops when it closes', async () => {
    const a = await openSocket(host);
    const b = await openSocket(host);
    await waitFor(() => listeners.size, { what: 'two listeners', until: (n) => n >= 2 });
    const event: StationEvent = { type: 'changed', journalLength: 42 };
    const got = Promise.all([a.nextEvent(), b.nextEvent()]);
    for (const l of listeners) l(event);
    expect(await got).toEqual([event, event]);
    const before = listeners.size;
    a.ws.close();
    b.ws.close();
    await waitFor(() => listeners.size, {
      what: 'both listeners removed',
      until: (n) => n === before - 2,
    });
    await waitFor(() => host.connections(), { what: 'no connections', until: (n) => n === 0 });
  });
});
