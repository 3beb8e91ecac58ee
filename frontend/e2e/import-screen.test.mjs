// Moving in from another help desk in the browser: a GLPI export of 20,000 tickets is picked on the Data
// screen, which says it was read as GLPI and why, and shows the first rows as they will be saved. The
// import shows its progress, is cancelled part way (the tickets saved so far stay, and the screen says
// how to finish), and importing the same file again finishes it with exactly the file's tickets.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { api, assert, browser, serve, tempDir } from './harness.mjs'

const ROWS = 20_000

function glpiExport(n) {
  const statuses = ['New', 'Processing (assigned)', 'Pending', 'Solved', 'Closed']
  const lines = ['ID;Title;Status;Opening date;Last update;Priority;Requester - Requester;Assigned to - Technician;Entity;Category']
  for (let i = 0; i < n; i++) {
    const day = `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`
    lines.push(`${1000 + i};Printer ${i} jams;${statuses[i % 5]};${day} 09:00;${day} 12:00;${['High', 'Medium', 'Low'][i % 3]};Jo Miller;Pedro;Root;Printers`)
  }
  return lines.join('\n') + '\n'
}

/** tickets is how many tickets the replica holds (as the demo loader counts them), once the count stops moving. */
async function tickets(peer) {
  let last = -1
  for (;;) {
    const { body } = await api(peer.url, 'DataService/DemoStatus')
    const n = Number(/holds (\d+) tickets/.exec(body.reason ?? '')?.[1] ?? 0)
    if (n === last) return n
    last = n
    await new Promise((ok) => setTimeout(ok, 300))
  }
}

export default async function importScreen(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana'] }))
  const b = ctx.own(await browser())
  const csv = join(tempDir('outpost-import-'), 'glpi-tickets.csv')
  writeFileSync(csv, glpiExport(ROWS))

  const page = await b.newPage({ viewport: { width: 1280, height: 900 } })
  page.setDefaultTimeout(30_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(peer.url)
  await page.getByText('Use Outpost on its own for now').click()
  await page.keyboard.press('g')
  await page.keyboard.press('d')
  await page.setInputFiles('#import-file', csv)

  // The preview: the preset and why, the encoding, and the first rows as they will be saved (a new
  // ticket that had an assignee is saved as assigned).
  const preset = page.locator('[data-testid=import-preset]')
  await preset.waitFor()
  const why = await preset.innerText()
  assert(why.includes('GLPI export') && why.includes('“Opening date”') && why.includes('which only a GLPI export has'), `preset: ${why}`)
  assert((await page.locator('[data-testid=import-encoding]').innerText()).includes('UTF-8'), 'the encoding is shown')
  assert((await page.getByLabel('Preset').inputValue()) === '', 'the preset is detected, not chosen')
  assert((await page.getByLabel('Field for column Entity').inputValue()) === '', 'GLPI’s Entity is left out')
  await page.locator('[data-testid=import-summary]', { hasText: `${ROWS} rows, all ready to import.` }).waitFor()
  const first = page.locator('[data-testid=preview] tr[data-line="2"]')
  const cells = await first.locator('td').allInnerTexts()
  assert(cells[1] === 'GLPI-1000' && cells[2] === 'Printer 0 jams' && cells[4] === 'assigned' && cells[5] === 'P2', `row 2: ${cells.join(' | ')}`)
  assert(cells[8] === 'Pedro' && cells[9] === '2025-01-01 09:00' && cells[13] === 'not measured', `row 2 keeps its people and dates: ${cells.join(' | ')}`)
  await page.locator('[data-testid=import-reimport]', { hasText: 'updates the tickets instead of duplicating them' }).waitFor()

  // The import shows its progress and stops part way when cancelled.
  await page.locator('[data-testid=import-button]').click()
  const text = page.locator('[data-testid=import-progress-text]', { hasText: 'rows/s' })
  await text.waitFor()
  const line = await text.innerText()
  assert(/of 20,000 rows \(\d+%\) · [\d,]+ rows\/s · about .+ left/.test(line), `progress: ${line}`)
  await page.locator('[data-testid=import-cancel]').click()
  const stopped = page.locator('[data-testid=import-result]', { hasText: 'Stopped after' })
  await stopped.waitFor()
  const summary = await stopped.innerText()
  const saved = Number(/([\d,]+) tickets? new or updated/.exec(summary)?.[1].replaceAll(',', ''))
  assert(saved > 0 && saved < ROWS, `cancelled part way: ${summary}`)
  assert((await tickets(peer)) === saved, `the replica holds the ${saved} tickets the summary counts`)
  await page.locator('[data-testid=import-resume-note]', { hasText: 'updated, not duplicated' }).waitFor()

  // Importing the same file again finishes it: the saved tickets are up to date, the rest are written.
  await page.locator('[data-testid=import-resume]').click()
  const done = page.locator('[data-testid=import-result]', { hasText: 'Done:' })
  await done.waitFor({ timeout: 60_000 })
  const end = await done.innerText()
  const wrote = Number(/([\d,]+) tickets? new or updated/.exec(end)?.[1].replaceAll(',', ''))
  assert(wrote === ROWS - saved && end.includes(`${saved.toLocaleString('en-US')} tickets already up to date`), `resume: ${end}`)
  assert((await tickets(peer)) === ROWS, `exactly the file's ${ROWS} tickets after the resume`)
  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
