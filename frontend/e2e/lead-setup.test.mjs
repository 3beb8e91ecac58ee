// Lead's week set-up screens in a real browser against `outpost serve`: write an escalation path with a
// required checklist item and edit it, add a vendor to the directory with a support agreement that is
// flagged as expiring, start an onboarding checklist for a technician and tick items until the progress
// moves, and open the weekly summary: its headline figures are there and printing shows no navigation.
import { api, assert, browser, serve } from './harness.mjs'

function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

const T = { timeout: 10_000 }

export default async function leadSetup(ctx) {
  const srv = ctx.own(await serve({ extra: ['--no-sync'] }))
  const tech = await api(srv.url, 'TechnicianService/Create', { name: 'Noor Haddad', role: 'technician', tier: 1 })
  assert(tech.status === 200, `technician: ${JSON.stringify(tech.body)}`)
  for (const title of ['Laptop will not dock', 'Mailbox full', 'VPN drops at site B']) {
    const r = await api(srv.url, 'TicketService/Create', { title, category: 'hardware' })
    assert(r.status === 200, `ticket: ${JSON.stringify(r.body)}`)
    if (title === 'Mailbox full') await api(srv.url, 'TicketService/Resolve', r.body.id, 'fixed', 'Archived old mail')
  }

  const b = ctx.own(await browser())
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } })
  page.setDefaultTimeout(10_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(srv.url)
  await page.waitForSelector('#app *', T)
  const solo = page.getByText('Use Outpost on its own for now')
  if (await solo.isVisible().catch(() => false)) await solo.click()

  // ---- Escalation path: a category is required; then one with a technician picked by name and a required
  // checklist item, edited after.
  await page.evaluate(() => (window.location.hash = '#/lead/paths'))
  await page.waitForSelector('[data-testid=path-list]', T)
  await page.click('[data-testid=save-path]')
  await page.waitForSelector('[data-field-error=ep-cat]', T)
  await page.fill('#ep-cat', 'network')
  // The SLA risk is asked in percent, and refused in percent.
  await page.fill('#ep-r', '150')
  await page.click('[data-testid=save-path]')
  const risk = await page.locator('[data-field-error=ep-r]').innerText(T)
  assert(risk === 'SLA resolution target used, at least (%) must be from 0 to 100%; 0 turns the rule off', `SLA risk refusal: ${risk}`)
  await page.fill('#ep-r', '75')
  await page.fill('#ep-t2c', 'Network team')
  // Tier 2 technicians are picked by name, not typed.
  await page.click('#ep-t2 button:has-text("Noor Haddad")')
  await page.locator('#ep-t2 button[aria-pressed=true]', { hasText: 'Noor Haddad' }).waitFor(T)
  await page.fill('[aria-label="New checklist item"]', 'Traceroute attached')
  await page.click('button:has-text("Add item")')
  await page.waitForSelector('[aria-label="Checklist item 1"]', T)
  await page.click('[data-testid=save-path]')
  await page.waitForSelector('[data-testid=path-list] a:has-text("network"):has-text("1 required item ·")', T)
  let saved = await api(srv.url, 'EscalationService/Get', 'network')
  assert(saved.status === 200 && saved.body.checklist.length === 1 && saved.body.checklist[0].required, `saved path: ${JSON.stringify(saved.body)}`)
  assert(saved.body.tier2.contact === 'Network team', `tier 2 contact: ${JSON.stringify(saved.body.tier2)}`)
  assert(saved.body.tier2.technicians.join() === tech.body.id, `tier 2 technicians: ${JSON.stringify(saved.body.tier2)}`)
  await page.waitForSelector('[data-testid=path-list] a:has-text("tier 2: Noor Haddad")', T)


  // Open it again from the list, add an optional item, and save: the list shows one required item still.
  await page.click('button:has-text("New path")')
  assert((await page.inputValue('#ep-cat')) === '', 'New path clears the form')
  await page.click('[data-testid=path-list] a:has-text("network")')
  await page.waitForFunction(() => document.querySelector('#ep-cat')?.value === 'network', null, T)
  assert((await page.inputValue('[aria-label="Checklist item 1"]')) === 'Traceroute attached', 'the saved item is loaded for editing')
  await page.fill('[aria-label="New checklist item"]', 'Affected sites listed')
  await page.press('[aria-label="New checklist item"]', 'Enter')
  await page.uncheck('[data-testid=path-checklist] li:nth-child(2) input[type=checkbox]')
  await page.click('[data-testid=save-path]')
  await page.waitForSelector('text=Escalation path for network saved', T)
  saved = await api(srv.url, 'EscalationService/Get', 'network')
  assert(saved.body.checklist.length === 2 && !saved.body.checklist[1].required, `edited path: ${JSON.stringify(saved.body.checklist)}`)
  await page.waitForSelector('[data-testid=path-list] a:has-text("1 required item ·")', T)

  // ---- Directory: a vendor contact, then an agreement for it expiring in 20 days, flagged.
  await page.evaluate(() => (window.location.hash = '#/lead/vendors/contacts'))
  await page.waitForSelector('[data-testid=contacts]', T)
  await page.click('[data-testid=save-contact]')
  await page.waitForSelector('[data-field-error=ct-n]', T)
  await page.fill('#ct-n', 'Northwind Support')
  await page.selectOption('#ct-t', 'vendor')
  await page.fill('#ct-o', 'Northwind Ltd')
  await page.fill('#ct-p', '+44 20 7946 0000')
  await page.fill('#ct-e', 'support@northwind.example')
  await page.click('[data-testid=save-contact]')
  await page.waitForSelector('[data-testid=contacts] td:has-text("Northwind Support")', T)
  assert(await page.isVisible('[data-testid=contacts] td:has-text("support@northwind.example")'), 'the contact row shows the email')

  const expires = isoDate(new Date(Date.now() + 20 * 86400_000))
  await page.click('nav.sub a:has-text("Support agreements")')
  await page.waitForSelector('[data-testid=agreements]', T)
  await page.selectOption('#ag-v', { label: 'Northwind Support' })
  await page.fill('#ag-c', 'NW-2291')
  await page.fill('#ag-e', expires)
  await page.fill('#ag-h', 'Mon-Fri 08:00-18:00')
  await page.fill('#ag-r', '4 h response')
  await page.click('button:has-text("Save agreement")')
  const row = page.locator('[data-testid=agreements] tr:has-text("NW-2291")')
  await row.waitFor(T)
  const rowText = await row.textContent()
  assert(rowText.includes('Northwind Support') && rowText.includes(expires), `agreement row: ${rowText}`)
  assert(/in (19|20) days/.test(await row.locator('.pill.warn').textContent()), `expiry flag: ${rowText}`)

  // ---- Onboarding: start from the technician profile, tick two items, progress follows.
  await page.evaluate(() => (window.location.hash = '#/lead/onboarding'))
  await page.waitForSelector('[data-testid=onboarding-list]', T)
  await page.waitForSelector('#ob-t option:has-text("Noor Haddad")', { state: 'attached', ...T })
  await page.selectOption('#ob-t', tech.body.id)
  assert((await page.inputValue('#ob-n')) === 'Noor Haddad', 'choosing the profile fills the name')
  await page.click('[data-testid=start-onboarding]')
  await page.waitForSelector('[data-testid=checklist]', T)
  assert((await page.textContent('[data-testid=progress]')).trim() === '0%', 'a new checklist starts at 0%')
  const boxes = page.locator('[data-testid=checklist] .items input[type=checkbox]')
  const total = await boxes.count()
  assert(total >= 4, `the technician template has items: ${total}`)
  await boxes.nth(0).check()
  await page.waitForFunction(() => document.querySelector('[data-testid=progress]')?.textContent !== '0%', null, T)
  await boxes.nth(1).check()
  const want = `${Math.round((200 / total))}%`
  await page.waitForFunction((w) => document.querySelector('[data-testid=progress]')?.textContent === w, want, T)
  const listed = await page.textContent('[data-testid=onboarding-list] li:has-text("Noor Haddad")')
  assert(listed.includes(`2/${total}`) && listed.includes(want), `the list shows progress: ${listed}`)
  const ob = await api(srv.url, 'OnboardingService/List')
  assert(ob.body[0].technician === tech.body.id && ob.body[0].progress.done === 2, `checklist linked and ticked: ${JSON.stringify(ob.body[0].progress)}`)

  // ---- Weekly summary: headline figures, then print media hides the navigation and the buttons.
  // Opened on this week by name: on Monday and Tuesday the summary opens on the week just ended.
  const monday = new Date()
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7))
  const week = `${monday.getFullYear()}-${String(monday.getMonth() + 1).padStart(2, '0')}-${String(monday.getDate()).padStart(2, '0')}`
  await page.evaluate((w) => (window.location.hash = `#/lead/summary/${w}`), week)
  await page.locator('[data-testid=summary-week]', { hasText: 'This week, so far' }).waitFor(T)
  const frame = page.frameLocator('[data-testid=summary-frame]')
  await frame.locator('p.headline').waitFor(T)
  const headline = await frame.locator('p.headline').textContent()
  assert(/3 tickets opened and 1 resolved/.test(headline) && /backlog/.test(headline), `headline: ${headline}`)
  const figures = await frame.locator('table').first().textContent()
  for (const f of ['Opened', 'Resolved', 'Open backlog', 'SLA compliance', 'First-contact resolution']) assert(figures.includes(f), `figure ${f} in ${figures}`)
  // The frame is as tall as the summary, at any window width: the page scrolls, not the frame.
  const fits = () =>
    page.waitForFunction(() => {
      const f = document.querySelector('[data-testid=summary-frame]')
      const doc = f?.contentDocument
      if (!doc?.body) return false
      const content = doc.body.getBoundingClientRect().bottom + parseFloat(f.contentWindow.getComputedStyle(doc.body).marginBottom)
      const shown = doc.documentElement.clientHeight
      return shown >= content - 1 && (shown <= content + 3 || shown <= 500)
    }, null, T)
  await fits()
  await page.setViewportSize({ width: 700, height: 800 })
  await fits()
  await page.setViewportSize({ width: 1280, height: 800 })
  await fits()
  assert(await page.isVisible('nav[aria-label=Main]'), 'the navigation shows on screen')
  await page.emulateMedia({ media: 'print' })
  for (const sel of ['nav[aria-label=Main]', '[role=tablist]', '[data-testid=print-summary]']) assert(!(await page.isVisible(sel)), `${sel} is hidden in print`)
  assert(await page.isVisible('[data-testid=summary-frame]'), 'the summary itself prints')
  await page.emulateMedia({ media: 'screen' })
  assert(await page.isVisible('[data-testid=print-summary]'), 'back on screen the buttons return')

  // The escalation dialog of a network ticket offers the path's tier 2 recipients, Noor first.
  const esc = await api(srv.url, 'TicketService/Create', { title: 'Core switch drops packets', category: 'network', impact: 'high', urgency: 'high' })
  assert(esc.status === 200, `create network ticket: ${JSON.stringify(esc.body)}`)
  await page.evaluate((id) => (window.location.hash = `#/ticket/${id}`), esc.body.id)
  await page.getByRole('heading', { name: 'Description' }).waitFor(T)
  await page.keyboard.press('e')
  const rec = page.locator('[data-testid=esc-recipients]')
  await rec.getByRole('button', { name: 'Noor Haddad' }).waitFor(T)
  await rec.getByText('Network team').waitFor(T)
  await page.waitForFunction((id) => document.querySelector('#esc-to')?.value === id, tech.body.id, T)
  assert(!(await page.locator('#esc-to').textContent()).includes('not on the team'), 'the picked recipient is a technician of the team')
  await page.screenshot({ path: `${process.env.SHOTS ?? '/tmp'}/escalate-path-recipients.png` })
  await page.keyboard.press('Escape')

  assert(errors.length === 0, `page errors: ${errors.join('; ')}`)
}
