// Lead's week in a real browser against `outpost serve`: open a problem from selected tickets, record a
// vendor case for one of them, log a follow-up that moves the next follow-up date, and see the
// escalation dialog require the category's escalation-path checklist.
import { api, assert, browser, serve } from './harness.mjs'

function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

export default async function leadWeek(ctx) {
  const srv = ctx.own(await serve({ extra: ['--no-sync'] }))
  const made = []
  for (const title of ['VPN drops after rekey at site B', 'VPN disconnects every hour', 'Printer jams on tray 2']) {
    const r = await api(srv.url, 'TicketService/Create', { title, category: title.startsWith('VPN') ? 'vpn' : 'printing' })
    assert(r.status === 200, `create ticket: ${JSON.stringify(r.body)}`)
    made.push(r.body)
  }
  const vendor = await api(srv.url, 'DirectoryService/SaveContact', '', { name: 'Acme Networks', type: 'vendor', phone: '+49 30 1234' })
  assert(vendor.status === 200, `vendor: ${JSON.stringify(vendor.body)}`)

  const b = ctx.own(await browser())
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } })
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(srv.url)
  await page.waitForSelector('#app *', { timeout: 10_000 })
  const solo = page.getByText('Use Outpost on its own for now')
  if (await solo.isVisible().catch(() => false)) await solo.click()

  // Open a problem from the two VPN tickets.
  await page.evaluate(() => (window.location.hash = '#/lead/problems/new'))
  await page.waitForSelector('[data-testid=ticket-picker] li', { timeout: 10_000 })
  await page.fill('#np-search', 'VPN')
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=ticket-picker] li').length === 2, null, { timeout: 10_000 })
  for (const cb of await page.locator('[data-testid=ticket-picker] input[type=checkbox]').all()) await cb.check()
  await page.fill('#np-title', 'VPN drops after IKE rekey')
  await page.selectOption('#np-lens', 'system')
  await page.click('[data-testid=open-problem]')
  await page.waitForSelector('[data-testid=problem]', { timeout: 10_000 })
  const effect = await page.textContent('[data-testid=effect]')
  assert(/No fix recorded yet: 2 incidents/.test(effect), `before/after counts: ${effect}`)
  assert(await page.isVisible('text=VPN drops after rekey at site B'), 'linked incidents are listed by title')

  // Resolving without a fix is refused in place; with a fix the problem resolves.
  await page.click('button:has-text("Move to Resolved")')
  await page.waitForSelector('[data-field-error=p-fix], .error-text:has-text("fix")', { timeout: 10_000 })
  await page.fill('#p-fix', 'Raised the IKE lifetime on the concentrator')
  await page.click('[data-testid=save-problem]')
  await page.waitForSelector('text=Problem saved', { timeout: 10_000 })
  await page.click('button:has-text("Move to Resolved")')
  await page.waitForSelector('[data-testid=problem-status]:has-text("Resolved")', { timeout: 10_000 })

  // A vendor case for the first VPN ticket, due today, then a follow-up that moves it three days on.
  const today = isoDate(new Date())
  const later = isoDate(new Date(Date.now() + 3 * 86400_000))
  await page.evaluate((id) => (window.location.hash = `#/lead/vendors/new-case/${id}`), made[0].id)
  await page.waitForSelector('#nc-v', { timeout: 10_000 })
  await page.selectOption('#nc-v', vendor.body.id)
  await page.fill('#nc-n', 'CASE-48213')
  await page.fill('#nc-f', today)
  await page.fill('#nc-ti', 'Concentrator drops tunnels at rekey')
  await page.click('[data-testid=save-case]')
  await page.waitForSelector('[data-testid=case]', { timeout: 10_000 })
  await page.waitForSelector('[data-testid=due]:has-text("CASE-48213")', { timeout: 10_000 })
  assert((await page.textContent('[data-testid=due]')).includes('due today'), 'the follow-up surfaces as due today')

  await page.fill('#fu-n', 'Vendor asked for a debug capture')
  await page.fill('#fu-d', later)
  await page.selectOption('#fu-s', 'waiting_us')
  await page.click('[data-testid=log-follow-up]')
  await page.waitForSelector(`[data-testid=next-follow-up]:has-text("${later}")`, { timeout: 10_000 })
  await page.waitForSelector('[data-testid=follow-ups]:has-text("debug capture")', { timeout: 10_000 })
  await page.waitForSelector('[data-testid=due]:has-text("Nothing due today")', { timeout: 10_000 })
  assert((await page.textContent('[data-testid=case-status]')).includes('Waiting on us'), 'status changed with the follow-up')

  // An escalation path for vpn with a required item: the ticket's escalation dialog requires it.
  const path = await api(srv.url, 'EscalationService/Save', {
    category: 'vpn',
    tier2: { technicians: [], contact: 'Network team' },
    rules: { slaRiskAtLeast: 0.75, priorityAtMost: 0, hoursInTierOver: 0 },
    checklist: [{ text: 'Client logs attached', required: true }],
  })
  assert(path.status === 200, `path: ${JSON.stringify(path.body)}`)
  await page.evaluate((id) => (window.location.hash = `#/ticket/${id}`), made[1].id)
  await page.waitForSelector('button:has-text("Escalate")', { timeout: 10_000 })
  await page.click('button:has-text("Escalate")')
  await page.waitForSelector('[data-testid=esc-checklist]', { timeout: 10_000 })
  await page.fill('#esc-reason', 'Needs the concentrator logs')
  await page.fill('#esc-handover', 'Drops line up with the 60 minute rekey; client logs collected')
  await page.click('button.primary[form=escalate-form]')
  await page.waitForSelector('[data-testid=esc-checklist] .error-text', { timeout: 10_000 })
  await page.check('[data-testid=esc-checklist] input[type=checkbox]')
  await page.click('button.primary[form=escalate-form]')
  await page.waitForSelector('[data-testid=esc-checklist]', { state: 'detached', timeout: 10_000 })
  const t = await api(srv.url, 'TicketService/Get', made[1].id)
  assert(t.body.tier === 2 && t.body.escalations[0].checklist['client-logs-attached'] === true, `escalated with the checklist: ${JSON.stringify(t.body.escalations)}`)

  assert(errors.length === 0, `page errors: ${errors.join('; ')}`)
}
