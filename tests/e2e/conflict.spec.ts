// What a timer sees when RunSignup shows a value this station never sent: the row says
// conflict, the Review screen lists both values, nothing is posted over it until the timer
// decides, and the decision is carried out.
import { expect, test, type Page } from '@playwright/test';
import { RunSignupClient } from '../../src-main/runsignup/client';
import { createPracticeRace } from '../../src-main/runsignup/emulator';
import { fireGun, openTiming, startStation, type E2eStation } from './support/station';

const race = createPracticeRace(1);
const bib = (page: Page) => page.getByTestId('bib-input');
const rowOfBib = (page: Page, b: number) =>
  page
    .locator('[data-testid=crossings] tbody tr[data-seq]')
    .filter({ has: page.locator('td.cell-bib', { hasText: new RegExp(`^${b}$`) }) });

let env: E2eStation | null = null;
test.afterEach(async () => {
  await env?.close();
  env = null;
});

test('a finish time edited on RunSignup behind the station is a conflict the timer decides', async ({
  page,
}) => {
  // RunSignup is read back every 2 s here (every 2 minutes in the field).
  env = await startStation(1, { syncAuditEveryMs: 2_000 });
  const { station } = env;
  await openTiming(page, station);
  await fireGun(page, station);
  const emulator = station.emulator!;
  const event = emulator.practice.events[0]!;
  const resultSetId = event.resultSets[0]!.resultSetId;
  const target = race.participants.find((p) => p.eventId === event.eventId && p.bib !== null)!.bib!;
  await bib(page).pressSequentially(String(target));
  await bib(page).press('Enter');
  await expect(page.getByTestId('notice')).toContainText(`Saved: bib ${target}`);
  // The station's own read-back verifies it (after a few quiet seconds).
  await expect(rowOfBib(page, target).locator('td.cell-sync')).toHaveText('verified ✓', {
    timeout: 30_000,
  });

  // Someone edits that finish time on RunSignup.
  const { apiKey, apiSecret } = emulator.practice.credentials;
  const other = new RunSignupClient({
    baseUrl: emulator.url,
    auth: { mode: 'api-key', apiKey, apiSecret },
    caller: emulator.practice.caller,
    raceId: emulator.practice.raceId,
  });
  try {
    const edit = await other.postResults({ eventId: event.eventId, resultSetId }, [
      { bib: target, clock_time: '3:33:33.3' },
    ]);
    expect(edit.ok).toBe(true);
  } finally {
    await other.close();
  }
  await expect(rowOfBib(page, target).locator('td.cell-sync')).toHaveText('conflict!', {
    timeout: 30_000,
  });

  await page.keyboard.press('F3');
  const conflicts = page.getByTestId('conflicts');
  await expect(conflicts).toContainText(String(target));
  await expect(conflicts).toContainText('3:33:33.3');
  await page.screenshot({ path: 'test-results/screens/review-conflict.png', fullPage: true });
  const shown = () =>
    emulator.results(resultSetId).find((r) => Number(r.bib) === target)?.clock_time;
  // Not overwritten while the timer has not decided.
  await page.waitForTimeout(1_500);
  expect(shown()).toBe('3:33:33.3');

  await conflicts.getByRole('button', { name: "Keep this station's" }).click();
  await expect(conflicts).toBeHidden();
  await expect.poll(shown, { timeout: 20_000 }).not.toBe('3:33:33.3');
  await page.keyboard.press('F2');
  await expect(rowOfBib(page, target).locator('td.cell-sync')).toHaveText('verified ✓', {
    timeout: 30_000,
  });
});
