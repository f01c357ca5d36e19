// Issue 5's screens against the in-browser fake station: line-up tools, bibs in order with a
// waiting list, the chute screen, the clock in the status bar, a shared gun changing.
// Screenshots go to test-results/screens/ for a human to look at.
import { expect, test, type Page } from '@playwright/test';
import { FAKE_ORIGIN, buildRenderer, bundleFakeStation, serveRenderer } from './support/renderer';

let dir = '';
let fake = '';
test.beforeAll(() => {
  dir = buildRenderer();
  fake = bundleFakeStation();
});

async function open(page: Page): Promise<void> {
  await page.addInitScript({ content: fake });
  await serveRenderer(page, dir);
  await page.goto(`${FAKE_ORIGIN}/`);
}

const bib = (page: Page) => page.getByTestId('bib-input');
const rows = (page: Page) => page.locator('[data-testid=crossings] tbody tr[data-seq]');
const bibCells = (page: Page) =>
  page
    .locator('[data-testid=crossings] tbody tr[data-seq] td.cell-bib')
    .evaluateAll((tds) => tds.map((td) => td.textContent ?? ''));

async function gun(page: Page) {
  await page.keyboard.press('F2');
  await page.getByRole('button', { name: 'GUN', exact: true }).click();
  await page.getByRole('button', { name: 'Set gun' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(bib(page)).toBeFocused();
}

async function enter(page: Page, b: string) {
  await bib(page).pressSequentially(b);
  await bib(page).press('Enter');
  await expect(page.getByTestId('notice')).toContainText(`Saved: bib ${b}`);
}

test('line-up: bibs in order wait for times, insert, drop, shift a block (and a refusal)', async ({
  page,
}) => {
  await open(page);
  await gun(page);
  // Three times, then three bibs in order: they fill the times oldest first.
  for (let i = 0; i < 3; i++) await bib(page).press('Space');
  await expect(rows(page)).toHaveCount(3);
  for (const b of ['101', '102', '103']) await enter(page, b);
  await expect.poll(() => bibCells(page)).toEqual(['103', '102', '101']);

  // No time waiting: a bib typed in order with Shift+Enter is a new crossing; a bib in order
  // with no time waiting goes to the waiting list (the chute is ahead of the timer).
  await page.keyboard.press('F5');
  await page.getByTestId('chute-input').pressSequentially('104');
  await page.getByTestId('chute-input').press('Enter');
  await page.keyboard.press('F2');
  await expect(page.getByTestId('waiting-bibs')).toContainText('104');
  await bib(page).press('Space');
  await expect(page.getByTestId('waiting-bibs')).toBeHidden();
  await expect.poll(() => bibCells(page)).toEqual(['104', '103', '102', '101']);

  // The timer missed the first runner's crossing, so every bib sits one crossing late. Insert
  // the missing crossing right after the gun (a bad time first: refused with a sentence).
  await bib(page).press('i');
  const dialog = page.getByRole('dialog', { name: 'Insert a missing crossing' });
  await expect(dialog).toBeVisible();
  await dialog.locator('input[name=insert-time]').fill('99:99');
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog.locator('.tone-error')).toBeVisible();
  await dialog.locator('input[name=insert-time]').fill('0:00:00.001');
  await page.screenshot({ path: 'test-results/screens/lineup-insert.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Insert' }).click();
  await expect(dialog).toBeHidden();
  await expect(bib(page)).toBeFocused();
  await expect.poll(() => bibCells(page)).toEqual(['104', '103', '102', '101', '— waiting']);

  // Select the whole line as a block: newest row, then Shift+↓ down to the inserted one.
  await bib(page).press('ArrowDown');
  for (let i = 0; i < 4; i++) await bib(page).press('Shift+ArrowDown');
  await expect(page.getByTestId('row-actions')).toContainText('Block of 5 crossings');
  await expect(page.locator('tr.row-block')).toHaveCount(4);
  await page.screenshot({ path: 'test-results/screens/lineup-block.png', fullPage: true });
  // Later would push 104 off the newest crossing: the station refuses and says why.
  await bib(page).press(']');
  await expect(page.getByTestId('notice')).toContainText('NOT saved');
  await expect(page.getByTestId('notice')).toContainText('would lose it');
  await expect.poll(() => bibCells(page)).toEqual(['104', '103', '102', '101', '— waiting']);
  await bib(page).press('[');
  await expect(page.getByTestId('notice')).toContainText(
    'Saved: bibs of 5 crossings one crossing earlier',
  );
  await expect.poll(() => bibCells(page)).toEqual(['— waiting', '104', '103', '102', '101']);

  // Drop the extra crossing now left at the top (V on the time-only row).
  await bib(page).press('Escape');
  await bib(page).press('ArrowDown');
  await bib(page).press('v');
  await expect.poll(() => bibCells(page)).toEqual(['104', '103', '102', '101']);
  await expect(page.getByTestId('lineup-help')).toContainText('bibs one crossing earlier');
  await page.screenshot({ path: 'test-results/screens/lineup-done.png', fullPage: true });
});

test('chute screen: big bib field, names, waiting list, last bibs; F5 from anywhere', async ({
  page,
}) => {
  await open(page);
  await gun(page);
  await page.keyboard.press('F5');
  const input = page.getByTestId('chute-input');
  await expect(input).toBeFocused();
  await input.pressSequentially('101');
  await expect(page.getByTestId('chute-lookup')).toContainText('Ada Lovelace');
  await input.press('Enter');
  await expect(page.getByTestId('notice')).toContainText('Saved: bib 101 in order');
  await input.pressSequentially('102');
  await input.press('Enter');
  await input.press('x'); // stray letter: swallowed
  await expect(input).toHaveValue('');
  // Neither Tab nor a click elsewhere takes the field's focus away.
  await input.press('Tab');
  await expect(input).toBeFocused();
  await page.locator('.chute-title').click();
  await expect(input).toBeFocused();
  await expect(page.getByTestId('chute-waiting')).toContainText('101');
  await expect(page.getByTestId('chute-waiting')).toContainText('Grace Hopper');
  // The timer's times arrive (another device, same station): the waiting bibs get them.
  await page.keyboard.press('F2');
  await bib(page).press('Space');
  await page.keyboard.press('F5');
  await expect(page.getByTestId('chute-waiting').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('chute-recent')).toContainText('Ada Lovelace');
  await expect(page.getByText('F5', { exact: true }).first()).toBeVisible();
  const size = await input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(48);
  await page.screenshot({ path: 'test-results/screens/chute.png', fullPage: true });
});

test('status bar: clock offset, re-measure with a warning, manual offset confirmed; shared gun notice', async ({
  page,
}) => {
  await open(page);
  await gun(page);
  await expect(page.getByTestId('status-clock')).toContainText('+0.12 s ± 0.04 s');
  await expect(page.getByTestId('clock-warning')).toHaveCount(0);
  await page.getByRole('button', { name: 'Re-measure' }).click();
  await expect(page.getByTestId('clock-warning')).toContainText('0.73 s behind');
  await page.getByRole('button', { name: 'Set offset…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clock offset to RunSignup' });
  await expect(dialog.locator('input[name=offset]')).toHaveValue('0.73');
  await dialog.locator('input[name=offset]').fill('abc');
  await dialog.getByRole('button', { name: 'Set offset' }).click();
  await expect(dialog.locator('.tone-error')).toContainText('seconds');
  await dialog.locator('input[name=offset]').fill('0.7');
  await dialog.getByRole('button', { name: 'Set offset' }).click();
  await expect(page.getByTestId('offset-confirm')).toContainText('re-times EVERY entry');
  await page.screenshot({ path: 'test-results/screens/offset-confirm.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Set offset' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('status-clock')).toContainText('applied +0.70 s');
  // The applied offset covers the measured one: no warning left.
  await expect(page.getByTestId('clock-warning')).toHaveCount(0);
  await expect(page.getByTestId('gun-1')).toContainText('typed here');

  // Another station's gun arrives from RunSignup.
  await page.evaluate(() =>
    (
      window as unknown as { chuteFake: { remoteGun(e: number, at: number): void } }
    ).chuteFake.remoteGun(1, Date.now() - 5000),
  );
  await expect(page.getByTestId('gun-notice')).toContainText('Gun for 5K changed (from RunSignup)');
  await expect(page.getByTestId('gun-1')).toContainText('from RunSignup');
  await page.screenshot({ path: 'test-results/screens/status-clock-gun.png', fullPage: true });
  await page.getByRole('button', { name: 'Seen' }).click();
  await expect(page.getByTestId('gun-notice')).toBeHidden();
  await expect(bib(page)).toBeFocused();
});

test('review: every row needing attention, status-only ones too, with the reason and Retry', async ({
  page,
}) => {
  await open(page);
  await gun(page);
  for (const b of ['101', '102', '103', '104', '105']) {
    await bib(page).pressSequentially(b);
    await bib(page).press('Shift+Enter');
  }
  // A DNS typed by bib, no crossing: a status-only field.
  await bib(page).pressSequentially('201');
  await bib(page).press('s');
  await expect(page.getByTestId('notice')).toContainText('Saved: DNS bib 201');
  await page.keyboard.press('F3');
  const table = page.getByTestId('attention');
  await expect(page.getByRole('heading', { name: 'Needs attention (2)' })).toBeVisible();
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table).toContainText('Bib number invalid (error 115)');
  const statusRow = table.locator('tbody tr', { hasText: '201' });
  await expect(statusRow).toContainText('DNS');
  await expect(statusRow).toContainText('No result row for this bib yet (error 201)');
  await expect(statusRow).toContainText('finish time');
  await page.screenshot({ path: 'test-results/screens/review-attention.png', fullPage: true });
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('notice')).toContainText('Saved: retry');
});
