// Two devices edit the same ticket's title while apart; when they meet, the ticket page flags the
// concurrent edit with both values, and keeping one settles it on both devices.
import { assert, browser, twoPeers } from './harness.mjs'

export default async function conflict(ctx) {
  const peers = await twoPeers(ctx)
  const { a, serveB } = peers
  let { b } = peers
  const api = (peer) => async (path, args) => {
    const u = new URL(peer.url)
    const r = await fetch(`${u.origin}/api/${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${u.searchParams.get('token')}` },
      body: JSON.stringify(args),
    })
    const body = await r.json()
    if (!r.ok) throw new Error(`${path}: ${body.error}`)
    return body
  }
  const t = await api(a)('TicketService/Create', [{ title: 'Scanner offline' }])
  const deadline = Date.now() + 20_000
  while (!(await api(b)('TicketService/Get', [t.id]).catch(() => null))) {
    assert(Date.now() < deadline, 'ticket reached the second device')
    await new Promise((r) => setTimeout(r, 200))
  }

  // Apart: B goes offline and both rename the ticket.
  await b.stop()
  await api(a)('TicketService/Update', [t.id, { title: 'Scanner offline on floor 2' }])
  b = await serveB(['--no-sync'])
  await api(b)('TicketService/Update', [t.id, { title: 'Scanner needs new driver' }])
  await b.stop()

  // Together again: B's browser shows the concurrent edit.
  b = await serveB()
  const chromium = ctx.own(await browser())
  const page = await chromium.newPage({ viewport: { width: 1280, height: 800 } })
  page.setDefaultTimeout(20_000)
  await page.goto(b.url)
  await page.evaluate(() => localStorage.setItem('outpost.firstrun.skipped', '1'))
  await page.goto(new URL(`/#/ticket/${t.id}`, b.url).href)
  const banner = page.locator('section.conflicts')
  await banner.waitFor()
  await banner.getByText('Scanner offline on floor 2').waitFor()
  await banner.getByText('Scanner needs new driver').waitFor()
  await page.keyboard.press('h')
  await page.locator('.history li.concurrent').first().waitFor()

  // Keep Ana's value: the banner goes, the title is hers, and her device agrees.
  await banner.locator('.value', { hasText: 'Scanner offline on floor 2' }).getByRole('button', { name: 'Keep this' }).click()
  await banner.waitFor({ state: 'detached' })
  await page.locator('[data-edit="f-title"]', { hasText: 'Scanner offline on floor 2' }).waitFor()
  await page.locator('.history', { hasText: 'settled a conflict' }).waitFor()
  const until = Date.now() + 20_000
  for (;;) {
    const onA = await api(a)('TicketService/Get', [t.id])
    if (onA.conflicts.length === 0 && onA.title === 'Scanner offline on floor 2') break
    assert(Date.now() < until, `first device settles too, has ${JSON.stringify(onA.conflicts)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
