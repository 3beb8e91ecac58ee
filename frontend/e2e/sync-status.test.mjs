// The sync dot tells the truth: "sync off" (grey) on a device in no team and on one started with
// --no-sync, "no peer reachable" (amber) when no other device of the team is online, "syncing N of M"
// through a new device's first catch-up, and "in sync" (green) once a peer is online and nothing is
// missing. The device that loaded demo data and the one that joined it each list the other as the
// only peer, online: the demo data's author is no peer. SHOTS=DIR saves the header in each state.
import { assert, browser, freePort, serve, tempDir } from './harness.mjs'

async function api(peer, method, ...args) {
  const u = new URL(peer.url)
  const res = await fetch(`${u.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${u.searchParams.get('token')}` },
    body: JSON.stringify(args),
  })
  const body = await res.json()
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(body)}`)
  return body
}

// Every label the sync dot shows, in order, from the page's first script on.
function recordLabels() {
  window.__syncLabels = []
  new MutationObserver(() => {
    const t = document.querySelector('[data-testid=sync-status]')?.textContent
    if (t && window.__syncLabels.at(-1) !== t) window.__syncLabels.push(t)
  }).observe(document, { subtree: true, childList: true, characterData: true })
}

async function dot(page, state, label, timeout = 20_000) {
  const el = page.locator(`[data-testid=sync-status][data-state=${state}]`)
  await el.waitFor({ timeout })
  const text = await el.textContent()
  assert(label.test(text), `sync status ${state} says ${JSON.stringify(text)}, want ${label}`)
}

async function shot(page, name) {
  if (process.env.SHOTS) await page.locator('nav .foot').screenshot({ path: `${process.env.SHOTS}/sync-${name}.png` })
}

// onlyPeer checks the Team screen lists exactly one peer, by name, online.
async function onlyPeer(page, url, name) {
  await page.goto(new URL('/#/team', url).href)
  const rows = page.locator('table tbody tr')
  await rows.filter({ hasText: name }).filter({ hasText: 'online' }).waitFor({ timeout: 20_000 })
  const texts = await rows.allTextContents()
  assert(texts.length === 1, `one peer listed, got ${JSON.stringify(texts)}`)
  assert(!(await page.getByText('Demo data').count()), 'the demo data author is not listed as a peer')
  await page.locator('strong', { hasText: '1 of 1' }).waitFor()
}

export default async function syncStatus(ctx) {
  const [dirA, dirB] = [tempDir('outpost-e2e-a-'), tempDir('outpost-e2e-b-')]
  const [portA, portB] = [await freePort(), await freePort()]
  const gossip = (port) => ['--gossip-bind', '127.0.0.1', '--gossip-port', String(port), '--gossip-preset', 'local', '--no-mdns']
  let a = ctx.own(await serve({ data: dirA, extra: ['--name', 'ana', ...gossip(portA)] }))
  await api(a, 'DataService/LoadDemo', { tickets: 1500 })
  const chromium = ctx.own(await browser())
  const pageA = await chromium.newPage({ viewport: { width: 1280, height: 800 } })
  const pageB = await chromium.newPage({ viewport: { width: 1280, height: 800 } })
  for (const p of [pageA, pageB]) p.setDefaultTimeout(15_000)

  // Ana's device holds demo data and is in no team: sync is off.
  await pageA.goto(a.url)
  await dot(pageA, 'off', /^sync off$/)
  await shot(pageA, 'off')

  // She creates a team: sync runs, and with no other device yet no peer is reachable.
  await api(a, 'TeamService/Create', 'E2E Desk')
  await dot(pageA, 'alone', /^no peer reachable$/)
  await shot(pageA, 'alone')
  const code = await api(a, 'TeamService/Invite')

  // Ben's new device joins with the invite from its welcome card; its first catch-up shows its counts.
  const b = ctx.own(await serve({ data: dirB, extra: ['--name', 'ben', ...gossip(portB)] }))
  await pageB.addInitScript(recordLabels)
  await pageB.goto(b.url)
  await pageB.getByRole('button', { name: /Join with an invite code/ }).click()
  await pageB.fill('#fr-code', code)
  await pageB.getByRole('button', { name: 'Join team' }).click()
  const syncing = pageB.locator('[data-testid=sync-status][data-state=syncing]')
  await syncing.waitFor({ timeout: 20_000 }).then(() => shot(pageB, 'syncing'), () => {})
  await dot(pageB, 'insync', /^in sync$/, 60_000)
  await shot(pageB, 'insync')
  const labels = await pageB.evaluate(() => window.__syncLabels)
  const counted = labels.map((l) => /^syncing ([\d,]+) of ([\d,]+)$/.exec(l)).filter(Boolean)
  const n = (s) => Number(s.replaceAll(',', ''))
  // From its start: the first count shown is within the first quarter of the changes expected.
  assert(
    counted.length > 1 && n(counted[0][2]) > 1000 && n(counted[0][1]) <= n(counted[0][2]) / 4,
    `the first catch-up showed "syncing N of M" from its start, saw ${JSON.stringify(labels)}`,
  )
  assert(labels.at(-1) === 'in sync', `last label ${labels.at(-1)}`)

  // Each device lists the other as its one peer, online; Ana's dot turns green too.
  await onlyPeer(pageB, b.url, 'ana')
  await dot(pageA, 'insync', /^in sync$/)
  await onlyPeer(pageA, a.url, 'ben')

  // Ben's device goes away: Ana has no peer to reach.
  await b.stop()
  await dot(pageA, 'alone', /^no peer reachable$/, 30_000)

  // Ana restarts with sync turned off: in a team, and the dot says sync is off.
  await a.stop()
  a = ctx.own(await serve({ data: dirA, extra: ['--name', 'ana', '--no-sync'] }))
  await pageA.goto(a.url)
  await dot(pageA, 'off', /^sync off$/)
  assert(await pageA.getByText('E2E Desk').count(), 'the team name is still shown')
}
