// Roles between two real peers of one team. Ana's device creates the team and so is its owner; Ben's
// device joins and is a technician: his SLA policy screen is read-only and names the role it needs,
// and a save sent anyway is refused by his own device with the same words. Ana, warned that she is the
// team's only owner, makes Ben a lead on the Roles screen; once the grant reaches Ben's device his save
// goes through, after he confirms how many open tickets it changes.
import { assert, browser, twoPeers } from './harness.mjs'

export default async function roles(ctx) {
  const { a, b } = await twoPeers(ctx, 'Roles Desk')

  const chromium = ctx.own(await browser())
  const pageA = await chromium.newPage({ viewport: { width: 1280, height: 900 } })
  const pageB = await chromium.newPage({ viewport: { width: 1280, height: 900 } })
  for (const p of [pageA, pageB]) p.setDefaultTimeout(15_000)
  await pageA.goto(a.url)
  await pageB.goto(b.url)
  await pageA.getByText('No open tickets').waitFor()
  await pageB.getByText('No open tickets').waitFor()

  // Ben's device: the SLA policy can be read, not saved, and the page says which role it takes.
  await pageB.goto(new URL('/#/sla', b.url).href)
  const notice = pageB.locator('[data-testid="sla-not-allowed"]')
  await notice.waitFor()
  const said = await notice.innerText()
  assert(/owner or lead/.test(said) && /an owner can grant it under Team → Roles/.test(said), `Ben's SLA screen says ${said}`)
  assert(await pageB.locator('#sla-p2-resolution').isDisabled(), 'Ben cannot edit the targets')
  const save = pageB.locator('[data-testid="save-sla"]')
  assert(await save.isDisabled(), 'Ben cannot press Save')
  assert(/owner or lead/.test((await save.getAttribute('title')) ?? ''), 'the Save button names the role in its tooltip')

  // A save sent from Ben's browser anyway is refused by his own device, naming the right, the roles and who grants them.
  const refused = await pageB.evaluate(async () => {
    const post = (m, args) => fetch(`/api/SLAService/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(args) })
    const s = await (await post('Settings', [])).json()
    s.policy.targets[1].resolution = { amount: 6, unit: 'hours' }
    const r = await post('Save', [s])
    return { status: r.status, body: await r.json() }
  })
  assert(refused.status >= 400, `Ben's save was refused, got ${refused.status}`)
  const msg = refused.body.error
  assert(/change the SLA policy/.test(msg) && /owner or lead/.test(msg) && /technician/.test(msg) && /an owner can grant a role under Team, Roles/.test(msg), `refusal: ${msg}`)

  // Ana's Roles screen: she is the only owner, and is told how not to lose the team's roles.
  await pageA.goto(new URL('/#/roles', a.url).href)
  const warning = pageA.locator('[data-testid="single-owner"]')
  await warning.waitFor()
  const w = await warning.innerText()
  assert(/If this device is lost, nobody can change roles: make a second owner/.test(w) && /Export this person’s identity/.test(w), `warning: ${w}`)
  await pageA.locator('[data-testid="permissions"] tr[data-right="sla.manage"]').waitFor()
  const benRow = pageA.locator('[data-testid="members"] tr[data-device="ben"]')
  await benRow.waitFor({ timeout: 30_000 })
  await pageA.getByLabel('lead for ben').check()
  await pageA.getByText('ben is now a lead').waitFor()
  assert(await pageA.getByLabel('lead for ben').isChecked(), 'the lead box stays ticked')

  // The grant reaches Ben's device: the notice goes, Save works after he confirms.
  await notice.waitFor({ state: 'detached', timeout: 30_000 })
  await pageB.fill('#sla-p2-resolution', '6')
  await save.click()
  const confirm = pageB.locator('[data-testid="sla-confirm"]')
  await confirm.waitFor()
  const text = await confirm.innerText()
  assert(/open ticket/.test(text) && /recalculates the SLA of all open tickets/.test(text), `confirmation: ${text}`)
  await pageB.locator('[data-testid="confirm-sla"]').click()
  await pageB.getByText('SLA settings saved for the team').waitFor()

  // Ana's device receives it.
  for (let i = 0; ; i++) {
    const s = await pageA.evaluate(async () => (await fetch('/api/SLAService/Settings', { method: 'POST', body: '[]' })).json())
    if (s.policy.targets[1].resolution.amount === 6) break
    if (i > 150) throw new Error(`Ana's P2 resolution is still ${JSON.stringify(s.policy.targets[1].resolution)}`)
    await new Promise((r) => setTimeout(r, 200))
  }

  // A second owner ends the warning.
  await pageA.getByLabel('owner for ben').check()
  await warning.waitFor({ state: 'detached' })
}
