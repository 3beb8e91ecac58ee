// The requester directory in the browser: a ticket created for a new requester (typed in the new
// ticket dialog), the requester panel on the ticket page, and the requester's page listing the
// ticket; then a second ticket for the same person found by search as you type, and the CSV import.
import { join } from 'node:path'
import { api, assert, browser, serve } from './harness.mjs'

export default async function requesters(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana'] }))
  const b = ctx.own(await browser())
  const page = await b.newPage({ viewport: { width: 1280, height: 860 } })
  page.setDefaultTimeout(10_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  // E2E_SHOTS=DIR keeps screenshots of the panel and the page to look at.
  const shot = (name) => process.env.E2E_SHOTS && page.screenshot({ path: join(process.env.E2E_SHOTS, name) })
  await page.goto(peer.url)
  await page.getByText('Use Outpost on its own for now').click()
  await page.getByText('No open tickets').waitFor()

  // A new requester, typed in the new ticket dialog: the picker offers to create them.
  await page.keyboard.press('n')
  await page.fill('#nt-title', 'Laptop does not charge')
  await page.locator('#nt-requester').fill('noor.haddad@example.com')
  await page.getByTestId('new-requester').click()
  await page.locator('#nt-req-name').fill('Noor Haddad')
  await page.locator('#nt-req-site').fill('Lisbon office')
  // A bad address is refused next to its field, and no ticket is made.
  await page.locator('#nt-req-email').fill('noor at example')
  await page.getByRole('button', { name: 'Create ticket' }).click()
  await page.locator('[data-field-error="nt-req-email"]', { hasText: 'is not an email address' }).waitFor()
  await page.locator('#nt-req-email').fill('Noor.Haddad@example.com')
  await page.getByRole('button', { name: 'Create ticket' }).click()
  await page.waitForURL(/#\/ticket\//)
  const firstTicket = new URL(page.url()).hash.split('/')[2]

  // The ticket page's requester panel shows the directory's record.
  const panel = page.getByTestId('requester-panel')
  await panel.getByTestId('requester-link').filter({ hasText: 'Noor Haddad' }).waitFor()
  await panel.getByText('noor.haddad@example.com').waitFor()
  await panel.getByText('Lisbon office').waitFor()
  await panel.getByTestId('requester-open').filter({ hasText: '1 open ticket' }).waitFor()
  await shot('requester-panel.png')

  // A second ticket for Noor: search as you type finds her by part of her name.
  await page.keyboard.press('Escape')
  await page.keyboard.press('n')
  await page.fill('#nt-title', 'Monitor flickers')
  await page.locator('#nt-requester').pressSequentially('hadd')
  await page.getByTestId('requester-options').getByText('Noor Haddad').waitFor()
  await shot('requester-picker.png')
  await page.keyboard.press('Enter')
  await page.getByTestId('chosen-requester').filter({ hasText: 'Noor Haddad' }).waitFor()
  await page.keyboard.press('Control+Enter')
  await page.waitForURL((u) => u.hash.startsWith('#/ticket/') && !u.hash.includes(firstTicket))
  await panel.getByTestId('requester-open').filter({ hasText: '2 open tickets' }).waitFor()

  // The requester's page lists both tickets, newest first.
  await panel.getByTestId('requester-link').click()
  await page.waitForURL(/#\/requesters\/rq-/)
  const rp = page.getByTestId('requester-page')
  await rp.getByRole('heading', { name: 'Noor Haddad' }).waitFor()
  const history = rp.getByTestId('requester-history')
  await history.getByText('Laptop does not charge').waitFor()
  const titles = await history.locator('td.title').allInnerTexts()
  assert(titles.join('|') === 'Monitor flickers|Laptop does not charge', `history: ${titles}`)
  assert((await rp.getByTestId('requester-open-tickets').locator('tr').count()) === 2, 'two open tickets listed')
  await shot('requester-page.png')

  // The directory lists her with her open tickets; an edit with a bad address shows the error in place.
  await page.getByTestId('requester-list').getByText('2 open').waitFor()
  await page.keyboard.press('e')
  await page.locator('#rq-emails').fill('noor.haddad@example.com; not-mail')
  await page.getByTestId('save-requester').click()
  await page.locator('[data-field-error="rq-emails"]', { hasText: '"not-mail" is not an email address' }).waitFor()
  await page.locator('#rq-emails').fill('noor.haddad@example.com; noor@home.example')
  await page.locator('#rq-vip').check()
  await page.getByTestId('save-requester').click()
  await rp.getByTestId('requester-emails').getByText('noor@home.example').waitFor()
  await page.getByTestId('requester-list').locator('.vip-badge').first().waitFor()

  // The CSV import from the same screen, twice: the second changes nothing.
  const csv = 'Name,Email,Department,VIP\nBen Ortiz,ben@example.com,Finance,no\nBad Row,not an address,,\n'
  for (const round of [1, 2]) {
    await page.goto(peer.url.replace(/\?.*$/, '') + '#/requesters/import')
    await page.locator('#requester-file').setInputFiles({ name: 'directory.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    const summary = page.getByTestId('import-summary')
    await summary.waitFor()
    const text = await summary.innerText()
    const want = round === 1 ? '1 added' : '1 already up to date'
    assert(text.includes(want) && text.includes('1 not imported'), `import ${round}: ${text}`)
    await page.getByTestId('requester-import').getByText('Line 3:').waitFor()
  }
  const list = await api(peer.url, 'RequesterService/List', { text: '' })
  assert(list.status === 200 && list.body.length === 2, `directory after two imports: ${JSON.stringify(list.body)}`)
  assert(!errors.length, `page errors: ${errors.join('\n')}`)
}
