// The screens against an in-browser fake station (tests/e2e/support/fake-station.ts): what a
// timer sees and does, independent of the real station. Screenshots go to
// test-results/screens/fake-*.png for a human to look at.
import { expect, test, type Page } from '@playwright/test';
import { FAKE_ORIGIN, buildRenderer, bundleFakeStation, serveRenderer } from './support/renderer';

let dir = '';
let fake = '';
test.beforeAll(() => {
  dir = buildRenderer();
  fake = bundleFakeStation();
});

async function open(page: Page, query = ''): Promise<void> {
  await page.addInitScript({ content: fake });
  await serveRenderer(page, dir);
  await page.goto(`${FAKE_ORIGIN}/${query}`);
}

const bib = (page: Page) => page.getByTestId('bib-input');
const rows = (page: Page) => page.locator('[data-testid=crossings] tbody tr[data-seq]');

test('setup: practice connection, race, events, station name', async ({ page }) => {
  await open(page, '?unconfigured');
  await expect(page.getByRole('heading', { name: '1. Connection' })).toBeVisible();
  // Bad input gets sentences, not a crash.
  await page.getByLabel('Custom URL').check();
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toContainText('Type the custom URL in full');
  await page.getByLabel('Practice race (no internet needed)').check();
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Load my races' }).click();
  await page
    .locator('select[name=race]')
    .selectOption({ label: 'Practice River Run (2026-05-17)' });
  await page.getByRole('button', { name: 'Save station setup' }).click();
  await expect(page.getByRole('alert')).toContainText('Name this station');
  await page.locator('input[name=stationName]').fill('Finish A');
  await page.screenshot({ path: 'test-results/screens/fake-setup.png', fullPage: true });
  await page.getByRole('button', { name: 'Save station setup' }).click();
  await expect(page.getByTestId('current-setup')).toContainText('Finish A');
  await expect(page.getByTestId('practice-badge')).toBeVisible();
});

test('timing: gun, bib-first, time-first fill, unreadable, focus, DNF, undo', async ({ page }) => {
  await open(page);
  await page.keyboard.press('F2');
  await expect(bib(page)).toBeFocused();
  await expect(page.getByTestId('race-clock')).toHaveText('NO GUN');

  await page.getByRole('button', { name: 'GUN', exact: true }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.getByRole('button', { name: 'Set gun' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByTestId('race-clock')).toHaveText(/^0:00:0\d\.\d$/);

  // Bib-first: the name shows while typing, Enter records.
  await bib(page).pressSequentially('101');
  await expect(page.getByTestId('lookup')).toContainText('Ada Lovelace');
  await bib(page).press('Enter');
  await expect(bib(page)).toHaveValue('');
  await expect(rows(page).first()).toContainText('Ada Lovelace');
  await expect(page.getByTestId('notice')).toContainText('Saved: bib 101');

  // A stray click elsewhere does not take the focus away.
  await page.locator('.help').first().click();
  await expect(bib(page)).toBeFocused();

  // Unknown bib: warning colour and words.
  await bib(page).pressSequentially('999');
  await expect(page.getByTestId('lookup')).toContainText('not registered');
  await expect(page.getByTestId('lookup')).toHaveClass(/tone-warn/);
  await bib(page).press('Escape');
  await expect(bib(page)).toHaveValue('');

  // Time-first: two taps, bibs typed later fill the oldest first.
  await bib(page).press('Space');
  await bib(page).press('Space');
  await expect(page.getByTestId('fill-hint')).toContainText('2 times waiting');
  await bib(page).pressSequentially('102');
  await bib(page).press('Enter');
  await bib(page).pressSequentially('103');
  await bib(page).press('Enter');
  await expect(page.getByTestId('fill-hint')).toBeHidden();
  await expect(rows(page).nth(1)).toContainText('Grace Hopper');
  await expect(rows(page).nth(0)).toContainText('Alan Turing');

  // Unreadable bib, fixed through the correction dialog.
  await bib(page).press('*');
  await expect(rows(page).first()).toContainText('unreadable');
  await bib(page).press('ArrowDown');
  await expect(page.getByTestId('row-actions')).toBeVisible();
  await bib(page).press('b');
  await page.getByRole('dialog').locator('input').fill('104');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(rows(page).first()).toContainText('Edsger Dijkstra');
  await expect(bib(page)).toBeFocused();

  // DNF on a selected row.
  // The selection stayed on the fixed row; one step down is bib 103.
  await bib(page).press('ArrowDown');
  await bib(page).press('f');
  await expect(page.getByTestId('notice')).toContainText('Saved: DNF bib 103');
  await page.screenshot({ path: 'test-results/screens/fake-timing.png', fullPage: true });

  // Undo removes the latest crossing.
  await bib(page).press('Escape');
  const before = await rows(page).count();
  await bib(page).press('Control+z');
  await expect(rows(page)).toHaveCount(before - 1);
});

test('review and results screens, switched by keyboard', async ({ page }) => {
  await open(page);
  await page.keyboard.press('F2');
  await page.getByRole('button', { name: 'GUN', exact: true }).click();
  await page.getByRole('button', { name: 'Set gun' }).click();
  for (const b of ['101', '201', '', '102', '103']) {
    if (b === '') await bib(page).press('Space');
    else {
      await bib(page).pressSequentially(b);
      await bib(page).press('Shift+Enter');
    }
  }
  await expect(rows(page)).toHaveCount(5);
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('heading', { name: /Needs attention \(1\)/ })).toBeVisible();
  await expect(page.getByTestId('untagged')).toContainText('time only');
  await expect(page.getByTestId('journal')).toContainText('bib 201');
  await page.screenshot({ path: 'test-results/screens/fake-review.png', fullPage: true });
  await page.getByTestId('untagged').locator('input').fill('104');
  await page.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByTestId('untagged')).toBeHidden();

  await page.keyboard.press('F4');
  await expect(page.getByTestId('results')).toContainText('Ada Lovelace');
  await page.getByRole('button', { name: '10K' }).click();
  await expect(page.getByTestId('results')).toContainText('Donald Knuth');
  await page.screenshot({ path: 'test-results/screens/fake-results.png', fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('practice-badge')).toBeHidden();
  await page.screenshot({ path: 'test-results/screens/fake-results-print.png', fullPage: true });
});
