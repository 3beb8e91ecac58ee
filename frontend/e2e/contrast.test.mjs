// Contrast and dark form controls in a real browser against `outpost serve` with demo data: axe-core's
// color-contrast rule (WCAG AA, 4.5:1 for text) on the main screens in the light and the dark theme, and
// no input, select, textarea or button left to the browser's own colours (white boxes on the dark page).
// SHOTS=<dir> also saves a screenshot of every screen in both themes.
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { api, assert, browser, serve } from './harness.mjs'

// Evaluated through the browser's debugging protocol: the app's content security policy refuses inline scripts.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

// unthemedControls lists the visible form controls the theme does not paint: a background that is none
// of the theme's colours is the browser's own (a light box on the dark page, or a grey one). Checkboxes
// and radios are drawn by accent-color.
function unthemedControls() {
  const names = ['--bg', '--surface', '--surface-2', '--surface-3', '--accent', '--accent-strong', '--accent-soft', '--accent-fill',
    '--accent-fill-hover', '--danger', '--danger-soft', '--warn', '--warn-soft', '--ok', '--ok-soft', '--nav-bg', '--nav-hover',
    '--p1', '--p2', '--p3', '--p4', '--p5', '--text-3']
  const probe = document.createElement('div')
  document.body.append(probe)
  const theme = new Set(
    names.map((n) => {
      probe.style.background = `var(${n})`
      return getComputedStyle(probe).backgroundColor
    }),
  )
  probe.remove()
  const out = []
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'checkbox' || el.type === 'radio' || el.type === 'hidden') continue
    const box = el.getBoundingClientRect()
    if (!box.width || !box.height) continue
    const bg = getComputedStyle(el).backgroundColor
    const alpha = bg.match(/[\d.]+/g)?.[3]
    if (alpha !== undefined && Number(alpha) < 1) continue
    if (!theme.has(bg))
      out.push(`${el.tagName.toLowerCase()}${el.type ? `[type=${el.type}]` : ''}${el.id ? '#' + el.id : ''} "${(el.textContent || el.placeholder || el.value || '').trim().slice(0, 30)}" has background ${bg}`)
  }
  return out
}

export default async function contrast(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync'] }))
  const demo = await api(peer.url, 'DataService/LoadDemo', { tickets: 300, sops: 12 })
  assert(demo.status === 200, `load demo: ${JSON.stringify(demo.body)}`)
  const { status, body: subjects } = await api(peer.url, 'CoachingService/Subjects')
  assert(status === 200, `coaching subjects: ${JSON.stringify(subjects)}`)
  assert(subjects.length > 0, 'the demo has coaching notes this device can read')
  const coachee = subjects[0].technicianId

  const b = ctx.own(await browser())
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } })
  await page.goto(peer.url)
  await page.waitForSelector('#app *', { timeout: 10_000 })
  const skip = page.getByText('Use Outpost on its own for now')
  if (await skip.isVisible().catch(() => false)) await skip.click()
  const origin = new URL(peer.url).origin

  await page.evaluate(() => (window.location.hash = '#/queue'))
  await page.waitForSelector('[data-number]', { timeout: 10_000 })
  await page.locator('[data-number]').first().click()
  await page.waitForFunction(() => window.location.hash.startsWith('#/ticket/'), null, { timeout: 10_000 })
  const ticketHash = await page.evaluate(() => window.location.hash)

  // Each screen and what shows that it has loaded its data.
  const screens = [
    ['queue', '#/queue', '[data-number]'],
    ['ticket', ticketHash, 'text=Description'],
    ['reports', '#/reports', 'text=Per technician'],
    ['team', '#/team', 'h1'],
    ['knowledge-base', '#/kb', 'h1'],
    ['coaching', `#/coaching/${coachee}`, 'text=New note'],
    ['visits', '#/visits/week', 'h1'],
    ['technicians', '#/technicians', 'h1'],
    ['lead-week', '#/lead', 'h1, h2'],
    ['data', '#/data', 'h1'],
    ['sla-policy', '#/sla', 'h1'],
    ['settings', '#/settings', 'h1'],
  ]
  const problems = []
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => {
      localStorage.setItem('outpost.theme', t)
      document.documentElement.dataset.theme = t
    }, theme)
    for (const [name, hash, ready] of screens) {
      await page.goto(`${origin}/${hash}`)
      await page.waitForSelector(ready, { timeout: 10_000 })
      await page.waitForLoadState('networkidle')
      await page.waitForTimeout(400)
      assert((await page.evaluate(() => document.documentElement.dataset.theme)) === theme, `${name} is in the ${theme} theme`)
      if (process.env.SHOTS) {
        mkdirSync(process.env.SHOTS, { recursive: true })
        await page.screenshot({ path: `${process.env.SHOTS}/${name}-${theme}.png` })
      }
      await page.evaluate(axeSource)
      const res = await page.evaluate(() =>
        window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] }, resultTypes: ['violations'] }),
      )
      for (const v of res.violations)
        for (const n of v.nodes) problems.push(`${theme} ${name}: ${n.target.join(' ')} — ${n.any.map((a) => a.message).join('; ')}`)
      for (const c of await page.evaluate(unthemedControls)) problems.push(`${theme} ${name}: unthemed control ${c}`)
    }
  }
  assert(problems.length === 0, `${problems.length} contrast problems:\n${problems.join('\n')}`)
}
