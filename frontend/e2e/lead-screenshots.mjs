// Captures every Lead's week tab in headless chromium against `outpost serve` on a data directory,
// typically one filled by `outpost demo`:
//   node e2e/lead-screenshots.mjs <data dir> [out dir] [width]
// Sets up this device as a lead when it is not yet, so reviews and plans can be written and read.
import { mkdirSync } from 'node:fs'
import { browser, serve } from './harness.mjs'

const data = process.argv[2]
if (!data) throw new Error('usage: node e2e/lead-screenshots.mjs <data dir> [out dir] [width]')
const out = process.argv[3] ?? '/tmp/outpost-lead-shots'
const width = Number(process.argv[4] ?? 1280)
mkdirSync(out, { recursive: true })
const srv = await serve({ data, extra: ['--no-sync'] })
const b = await browser()
try {
  const token = new URL(srv.url).searchParams.get('token')
  const origin = new URL(srv.url).origin
  const api = async (method, ...args) => {
    const r = await fetch(`${origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(args) })
    if (!r.ok) throw new Error(`${method}: ${await r.text()}`)
    return r.json()
  }
  const me = await api('IdentityService/Me')
  if (!me.set) await api('IdentityService/SetUp', 'Ana Lead', 'lead', '')
  const techs = await api('TechnicianService/List', false)
  const tech = techs.find((t) => t.role === 'technician') ?? techs[0]

  // Something on every tab: a path, a contact with an agreement and a case, an onboarding, a review, a plan.
  const iso = (d) => d.toISOString().slice(0, 10)
  if (!(await api('EscalationService/List')).length)
    await api('EscalationService/Save', {
      category: 'network',
      tier2: { technicians: [], contact: 'Network team' },
      tier3: { technicians: [], contact: '' },
      external: { technicians: [], contact: 'ISP support line' },
      rules: { slaRiskAtLeast: 0.75, priorityAtMost: 1, hoursInTierOver: 8 },
      checklist: [
        { text: 'Traceroute attached', required: true },
        { text: 'Affected sites listed', required: false },
      ],
    })
  let vendors = await api('DirectoryService/Contacts', 'vendor')
  if (!vendors.length) {
    vendors = [await api('DirectoryService/SaveContact', '', { name: 'Northwind Support', type: 'vendor', organisation: 'Northwind Ltd', phone: '+44 20 7946 0000', email: 'support@northwind.example', hours: 'Mon-Fri 8-18', preferred: 'phone' })]
  }
  if (!(await api('DirectoryService/Agreements')).length)
    await api('DirectoryService/SaveAgreement', '', { vendor: vendors[0].id, contract: 'NW-2291', coverage: 'Mon-Fri 08:00-18:00', responseTerms: '4 h response, NBD parts', expires: iso(new Date(Date.now() + 20 * 86400_000)), notes: '' })
  if (!(await api('DirectoryService/Cases', true)).length)
    await api('DirectoryService/SaveCase', '', { vendor: vendors[0].id, caseNumber: 'CASE-48213', type: 'support', title: 'Switch stack reboots nightly', status: 'waiting_vendor', nextFollowUp: iso(new Date()), tickets: [] })
  let obs = await api('OnboardingService/List')
  if (!obs.length) {
    const c = await api('OnboardingService/Start', { name: 'Noor Haddad', role: 'technician', technician: '', start: '' })
    for (const it of c.items.slice(0, 3)) await api('OnboardingService/Tick', c.id, it.id, true, '')
    obs = [c]
  }
  if (tech && !(await api('ReviewService/List', tech.id)).reviews.length) {
    // Three months of reviews of the technician's resolved tickets, so the trend has rows.
    const year = new Date().getFullYear() - 1
    const sample = await api('ReviewService/Sample', { technician: tech.id, from: `${year}-01-01`, to: iso(new Date()), n: 6, seed: 7 })
    for (const [i, c] of sample.entries()) {
      const d = new Date(Date.now() - (sample.length - 1 - i) * 18 * 86400_000)
      const s = (n) => ({ score: Math.min(5, Math.max(1, n)), comment: '' })
      await api('ReviewService/Add', tech.id, { ticket: c.id, ticketNumber: c.number, ticketTitle: c.title, date: iso(d), scores: { diagnosis: s(3 + (i % 2)), communication: s(4), documentation: s(2 + Math.floor(i / 2)), escalation: s(3 + (i % 3)) }, summary: i === sample.length - 1 ? 'Clear write-up this time' : '' }, false)
    }
  }
  let plans = await api('PlanService/List', '')
  if (!plans.length && tech)
    plans = [
      await api('PlanService/Create', tech.id, { title: 'Meet the resolution targets', goals: [{ id: '', metric: 'sla_compliance', target: 95, note: '' }, { id: '', metric: 'fcr', target: 70, note: '' }, { id: '', metric: 'documentation_score', target: 4, note: '' }], start: '', end: '', status: 'active', notes: '' }, false),
    ]

  const page = await b.newPage({ viewport: { width, height: 800 } })
  page.setDefaultTimeout(15_000)
  await page.goto(srv.url)
  await page.waitForSelector('#app *')
  const solo = page.getByText('Use Outpost on its own for now')
  if (await solo.isVisible().catch(() => false)) await solo.click()
  const shot = async (hash, name, wait) => {
    await page.evaluate((h) => (window.location.hash = h), hash)
    if (wait) await wait()
    await page.waitForTimeout(400)
    await page.screenshot({ path: `${out}/${name}.png` })
  }
  await shot('#/lead/problems', 'problems')
  const problems = await api('ProblemService/List')
  if (problems.length) await shot(`#/lead/problems/${problems[0].id}`, 'problem', () => page.waitForSelector('[data-testid=problem]'))
  await shot('#/lead/vendors', 'vendors-cases', () => page.waitForSelector('[data-testid=case-list]'))
  const cases = await api('DirectoryService/Cases', true)
  if (cases.length) await shot(`#/lead/vendors/case/${cases[0].id}`, 'vendors-case', () => page.waitForSelector('[data-testid=case]'))
  await shot('#/lead/vendors/agreements', 'vendors-agreements', () => page.waitForSelector('[data-testid=agreements]'))
  await shot('#/lead/vendors/contacts', 'vendors-directory', () => page.waitForSelector('[data-testid=contacts]'))
  const paths = await api('EscalationService/List')
  await shot(`#/lead/paths/${encodeURIComponent(paths[0].category)}`, 'paths', () => page.waitForSelector('[data-testid=path-list] a'))
  const ob = obs.find((c) => c.progress.done > 0 && c.progress.done < c.progress.total) ?? obs[0]
  await shot(`#/lead/onboarding/${ob.id}`, 'onboarding', () => page.waitForSelector('[data-testid=checklist]'))
  if (tech) {
    await shot(`#/lead/reviews/${tech.id}`, 'reviews', async () => {
      await page.waitForSelector('#rv-tech option', { state: 'attached' })
      await page.fill('#rv-from', iso(new Date(Date.now() - 90 * 86400_000)))
      await page.click('[data-testid=draw-sample]')
      await page.waitForSelector('[data-testid=sample] li')
      await page.locator('[data-testid=sample] li a').first().click()
      await page.waitForSelector('[data-testid=rubric]')
    })
  }
  if (plans.length) await shot(`#/lead/plans/${plans[0].id}`, 'plans', () => page.waitForSelector('[data-testid=plan]'))
  await shot('#/lead/plans', 'plans-new', () => page.waitForSelector('[data-testid=create-plan]'))
  await shot('#/lead/summary', 'summary', () => page.frameLocator('[data-testid=summary-frame]').locator('p.headline').waitFor())
  await page.emulateMedia({ media: 'print' })
  await page.screenshot({ path: `${out}/summary-print.png`, fullPage: true })
  console.log(`screenshots in ${out}`)
} finally {
  await b.close()
  await srv.stop()
}
