// Bringing tickets in from another help desk: a CSV file with one bad row is picked on the Data screen,
// the guessed column mapping is corrected, the preview names the bad row by its line, nothing is
// imported until the person accepts the valid rows, and the imported tickets are in the queue. A file
// that is not a backup is refused by Restore with a clear message.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assert, browser, serve, tempDir } from './harness.mjs'

export default async function dataImport(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana'] }))
  const b = ctx.own(await browser())
  const dir = tempDir('outpost-csv-')
  const csv = join(dir, 'glpi-export.csv')
  writeFileSync(
    csv,
    [
      'ID;Title;Priority;Status;Requester;Notes',
      '101;Printer on floor 3 prints blank pages;High;Open;Jo Miller;toner?',
      '102;VPN drops after an hour;Very high;In progress;Sam Ortiz;',
      '103;Laptop fan noise;whenever you can;New;Kim Lee;',
      '104;Shared mailbox missing in Outlook;Low;Closed;Ana Costa;',
    ].join('\n') + '\n',
  )

  const page = await b.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  page.setDefaultTimeout(15_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(peer.url)
  await page.getByText('Use Outpost on its own for now').click()
  await page.keyboard.press('g')
  await page.keyboard.press('d')
  await page.getByRole('heading', { name: 'Import tickets from CSV' }).waitFor()

  await page.setInputFiles('#import-file', csv)
  await page.locator('[data-testid=mapping]').waitFor()
  // The guess: Title, Priority, Status, Requester and the old number by their names; Notes as comments.
  assert((await page.getByLabel('Field for column Title').inputValue()) === 'title', 'Title is guessed')
  assert((await page.getByLabel('Field for column ID').inputValue()) === 'reference', 'ID is the old number')
  assert((await page.getByLabel('Field for column Notes').inputValue()) === 'comment', 'Notes is read as comments')
  await page.getByLabel('Field for column Notes').selectOption('description')
  await page.locator('[data-testid=import-summary]', { hasText: '4 rows: 3 ready, 1 with an error.' }).waitFor()

  // The bad row is named by its line (4: the header is line 1) and its column, in the table and the list.
  const bad = page.locator('[data-testid=preview] tr[data-line="4"]')
  await bad.waitFor()
  assert((await bad.getAttribute('class'))?.includes('bad'), 'line 4 is marked')
  const why = await bad.locator('td.err').innerText()
  assert(why.includes('Priority') && why.includes('whenever you can'), `line 4 says why: ${why}`)
  await page.locator('[data-testid=import-errors]', { hasText: 'line 4, column Priority' }).waitFor()

  // Nothing is imported until the valid rows are accepted.
  const button = page.locator('[data-testid=import-button]')
  assert(await button.isDisabled(), 'import waits for the acceptance')
  await page.locator('[data-testid=accept-valid]').check()
  assert((await button.innerText()).includes('Import 3 valid rows'), 'the button says what happens')
  await button.click()
  await page.locator('[data-testid=import-result]', { hasText: 'Done: 3 tickets new or updated, 1 row with errors skipped.' }).waitFor()

  // The tickets are in the queue (the closed one with closed tickets shown).
  await page.getByRole('link', { name: 'Open the queue' }).click()
  await page.getByText('Printer on floor 3 prints blank pages').waitFor()
  await page.getByText('VPN drops after an hour').waitFor()
  assert((await page.getByText('Laptop fan noise').count()) === 0, 'the bad row was not imported')

  // A backup downloads as one file; Restore refuses a file that is not a backup, in place.
  await page.keyboard.press('g')
  await page.keyboard.press('d')
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download backup' }).click()])
  const saved = join(dir, dl.suggestedFilename())
  await dl.saveAs(saved)
  assert(/^outpost-.*\.outpost$/.test(dl.suggestedFilename()), `backup name ${dl.suggestedFilename()}`)
  assert(readFileSync(saved).subarray(0, 15).toString() === 'OUTPOST-BACKUP\n', 'the download is a backup')
  await page.setInputFiles('#restore-file', csv)
  await page.getByRole('button', { name: 'Restore', exact: true }).click()
  await page.locator('[data-testid=restore-error]', { hasText: 'this file is not an Outpost backup' }).waitFor()

  // Demo data is refused with the reason: the replica holds tickets now.
  await page.locator('[data-testid=demo-unavailable]', { hasText: 'already holds 3 tickets' }).waitFor()
  // Restoring the backup into the same replica is harmless: everything is already here.
  await page.setInputFiles('#restore-file', saved)
  await page.getByRole('button', { name: 'Restore', exact: true }).click()
  await page.locator('[data-testid=restore-result]', { hasText: 'Merged 0 changes' }).waitFor()
  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
