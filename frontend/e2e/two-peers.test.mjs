// Two devices of one team, each serving its own replica to its own browser: a ticket created in one
// browser appears in the other's queue without a reload, and a screenshot pasted on one device shows
// as a thumbnail on the other once its bytes have travelled.
import { assert, browser, pasteImage, twoPeers as team } from './harness.mjs'

export default async function twoPeers(ctx) {
  const { a, b: bPeer } = await team(ctx)
  // Ben is one of the team's technicians: Ana, who made the team and so is its owner, adds his
  // profile (a technician may not), and Ben says so on his device once it arrived: "Take it" assigns him.
  const api = async (peer, path, args) => {
    const u = new URL(peer.url)
    const r = await fetch(`${u.origin}/api/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${u.searchParams.get('token')}` }, body: JSON.stringify(args) })
    const j = await r.json()
    if (!r.ok) throw new Error(`${path}: ${JSON.stringify(j)}`)
    return j
  }
  const ben = await api(a, 'TechnicianService/Create', [{ name: 'Ben Okafor', tier: 1 }])
  for (let i = 0; ; i++) {
    try { await api(bPeer, 'TechnicianService/Get', [ben.id]); break } catch (e) { if (i > 200) throw e }
    await new Promise((r) => setTimeout(r, 100))
  }
  await api(bPeer, 'IdentityService/SetUp', ['Ben Okafor', 'technician', ben.id])
  const chromium = ctx.own(await browser())
  const pageA = await chromium.newPage({ viewport: { width: 1280, height: 800 } })
  const pageB = await chromium.newPage({ viewport: { width: 1280, height: 800 } })
  for (const p of [pageA, pageB]) p.setDefaultTimeout(15_000)
  await pageA.goto(a.url)
  await pageB.goto(bPeer.url)
  await pageA.getByText('No open tickets').waitFor()
  await pageB.getByText('No open tickets').waitFor()

  // Ben's device shows the team and, soon, Ana's device as an online peer.
  await pageB.goto(new URL('/#/team', bPeer.url).href)
  await pageB.locator('[data-testid="team-name"]', { hasText: 'E2E Desk' }).waitFor()
  await pageB.locator('td', { hasText: 'ana' }).waitFor({ timeout: 20_000 })
  await pageB.goto(new URL('/#/queue', bPeer.url).href)
  await pageB.getByText('No open tickets').waitFor()

  // Ana creates a ticket in her browser.
  await pageA.keyboard.press('n')
  await pageA.fill('#nt-title', 'Payroll server unreachable from branch office')
  await pageA.selectOption('#nt-impact', 'high')
  await pageA.getByRole('button', { name: 'Create ticket' }).click()
  await pageA.waitForURL(/#\/ticket\//)

  // It appears in Ben's open queue without a reload.
  const navigations = []
  pageB.on('framenavigated', (f) => f === pageB.mainFrame() && navigations.push(f.url()))
  await pageB.locator('[data-number]', { hasText: 'Payroll server unreachable' }).waitFor({ timeout: 20_000 })
  assert(navigations.length === 0, `no reload in the second browser, saw ${navigations.join(', ')}`)

  // And Ben's edit travels back: he takes the ticket, Ana's page shows it.
  await pageB.locator('[data-number]', { hasText: 'Payroll server unreachable' }).click()
  await pageB.getByRole('button', { name: 'Take it' }).click()
  await pageB.locator('[data-testid="assignee"]', { hasText: 'Ben Okafor' }).waitFor()
  await pageA.locator('[data-testid="assignee"]', { hasText: 'Ben Okafor' }).waitFor({ timeout: 20_000 })

  // Ana pastes a screenshot into the ticket; its bytes travel to Ben's device and his page shows the thumbnail.
  await pasteImage(pageA)
  await pageA.locator('.gallery [data-testid=attachment] img').waitFor()
  const thumbB = pageB.locator('.gallery [data-testid=attachment] img')
  await thumbB.waitFor({ timeout: 30_000 })
  await pageB.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumbB.elementHandle(), { timeout: 30_000 })
}
