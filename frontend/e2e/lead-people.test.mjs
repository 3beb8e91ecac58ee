// Quality reviews and improvement plans in a real browser against `outpost serve`: set up who you are as a
// lead where the reviews tab asks for it, sample a technician's resolved tickets, score one on the rubric
// and see the monthly trend, then write an improvement plan with an SLA compliance target and record a
// weekly review that shows the live figure against the target.
import { api, assert, browser, serve } from './harness.mjs'

const T = { timeout: 10_000 }
const RUBRIC = ['Diagnosis', 'Communication', 'Documentation', 'Escalation quality']

export default async function leadPeople(ctx) {
  const srv = ctx.own(await serve({ extra: ['--no-sync'] }))
  const tech = await api(srv.url, 'TechnicianService/Create', { name: 'Bo Berg', role: 'technician', tier: 1 })
  assert(tech.status === 200, `technician: ${JSON.stringify(tech.body)}`)
  const titles = ['Outlook asks for the password again', 'Printer offline on floor 2', 'New starter needs a laptop', 'Shared drive mapping lost']
  for (const [i, title] of titles.entries()) {
    const t = await api(srv.url, 'TicketService/Create', { title, category: 'desktop' })
    assert(t.status === 200, `ticket: ${JSON.stringify(t.body)}`)
    const a = await api(srv.url, 'TicketService/Assign', t.body.id, tech.body.id)
    assert(a.status === 200, `assign: ${JSON.stringify(a.body)}`)
    if (i < 3) {
      const r = await api(srv.url, 'TicketService/Resolve', t.body.id, 'fixed', 'Fixed on the call')
      assert(r.status === 200, `resolve: ${JSON.stringify(r.body)}`)
    }
  }

  const b = ctx.own(await browser())
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } })
  page.setDefaultTimeout(10_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(srv.url)
  await page.waitForSelector('#app *', T)
  // The replica already holds tickets, so the app opens on its screens, not the welcome card.
  await page.waitForSelector('nav[aria-label=Main]')

  // Reviews are sealed to the person writing them: until this device knows who you are, the tab asks.
  await page.evaluate((id) => (window.location.hash = `#/lead/reviews/${id}`), tech.body.id)
  await page.waitForSelector('[data-testid=needs-identity] #id-name', T)
  assert(!(await page.isVisible('[data-testid=draw-sample]')), 'no sampling before the set-up')
  await page.fill('#id-name', 'Ana Lead')
  await page.selectOption('#id-role', 'lead')
  await page.click('button[type=submit]:has-text("Set up")')

  // ---- Quality review: the sample holds the three resolved tickets, not the open one.
  await page.waitForSelector('#rv-tech option:has-text("Bo Berg")', { state: 'attached', ...T })
  const me = await api(srv.url, 'IdentityService/Me')
  assert(me.body.set && me.body.role === 'lead', `set up as a lead: ${JSON.stringify(me.body)}`)
  await page.fill('#rv-seed', '42')
  await page.click('[data-testid=draw-sample]')
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=sample] li').length === 3, null, T)
  const sampled = await page.textContent('[data-testid=sample]')
  assert(!sampled.includes('Shared drive mapping lost'), `the open ticket is not sampled: ${sampled}`)
  const first = page.locator('[data-testid=sample] li a').first()
  const firstTitle = (await first.textContent()).trim()
  await first.click()
  await page.waitForSelector('[data-testid=rubric]', T)

  // Saving before every dimension is scored is refused in place.
  await page.click('[data-testid=save-review]')
  await page.waitForSelector('[data-testid=rubric] .error-text', T)
  const scores = { Diagnosis: 4, Communication: 5, Documentation: 3, 'Escalation quality': 4 }
  for (const d of RUBRIC) await page.click(`[role=radiogroup][aria-label="${d}"] button:has-text("${scores[d]}")`)
  await page.fill('[aria-label="Documentation comment"]', 'Steps were in the call notes, not the ticket')
  await page.fill('#rv-sum', 'Quick fix, thin write-up')
  await page.click('[data-testid=save-review]')
  await page.waitForSelector('[data-testid=rubric]', { state: 'detached', ...T })

  // The trend has this month with one review averaging 4, and the sample marks the ticket reviewed.
  const month = new Date().toISOString().slice(0, 7)
  const trendRow = page.locator(`[data-testid=trend] tbody tr:has-text("${month}")`)
  await trendRow.waitFor(T)
  const cells = await trendRow.locator('td').allTextContents()
  assert(cells[1] === '1' && cells[2] === '4' && cells[3] === '5' && cells[4] === '3' && cells[5] === '4' && cells[6] === '4', `trend row: ${cells.join(' | ')}`)
  assert((await page.textContent('[data-testid=trend]')).includes('Quick fix, thin write-up'), 'the review is listed with its summary')
  await page.waitForSelector(`[data-testid=sample] li:has-text("reviewed")`, T)
  assert(firstTitle.length > 0, 'a sampled ticket was chosen')

  // ---- Improvement plan: one goal, SLA compliance at least 95%.
  await page.evaluate(() => (window.location.hash = '#/lead/plans'))
  await page.waitForSelector('[data-testid=create-plan]', T)
  await page.waitForSelector('#pl-t option:has-text("Bo Berg")', { state: 'attached', ...T })
  await page.click('[data-testid=create-plan]')
  await page.waitForSelector('[data-field-error=pl-t], [data-field-error=pl-ti]', T)
  await page.selectOption('#pl-t', tech.body.id)
  await page.fill('#pl-ti', 'Meet the resolution targets')
  while ((await page.locator('.goal').count()) > 1) await page.locator('.goal').last().locator('button:has-text("Remove")').click()
  await page.selectOption('[aria-label="Goal 1 figure"]', 'sla_compliance')
  await page.fill('[aria-label="Goal 1 target"]', '95')
  await page.click('[data-testid=create-plan]')
  await page.waitForSelector('[data-testid=plan]', T)
  const live = page.locator('[data-testid=live] tbody tr')
  assert((await live.count()) === 1, 'one goal, one live figure')
  const liveCells = await live.first().locator('td').allTextContents()
  assert(liveCells[0].startsWith('SLA compliance') && liveCells[2] === '95%', `live row: ${liveCells.join(' | ')}`)
  const plan = (await api(srv.url, 'PlanService/List', '')).body[0]
  assert(plan.goals.length === 1 && plan.goals[0].metric === 'sla_compliance' && plan.goals[0].target === 95, `plan goals: ${JSON.stringify(plan.goals)}`)
  // Bo's three tickets were resolved at once, well inside their targets: 100% this week, on target.
  assert(liveCells[1] === '100%' && liveCells[3] === 'on target', `live figure against the target: ${liveCells.join(' | ')}`)

  // The weekly review records the figure as it stood against the target.
  await page.fill('#pl-note', 'Good week; keep writing the fix into the ticket')
  await page.click('[data-testid=record-review]')
  const entry = page.locator('.entry').first()
  await entry.waitFor(T)
  const entryText = await entry.textContent()
  assert(entryText.includes('Good week; keep writing the fix into the ticket'), `entry note: ${entryText}`)
  const want = 'SLA compliance 100% against a target of 95%: on target.'
  assert(entryText.includes(want), `entry figure "${want}" in: ${entryText}`)

  assert(errors.length === 0, `page errors: ${errors.join('; ')}`)
}
