// Coaching in a real browser against `outpost serve`: set up who you are as a lead, write a note and an
// overdue action for a technician, tick the action done, export the identity, and import it on a second
// device.
import { api, assert, browser, serve } from './harness.mjs'

export default async function coachingFlow(ctx) {
  const lead = ctx.own(await serve({ extra: ['--no-sync'] }))
  const b = ctx.own(await browser())
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } })
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(lead.url)
  await page.waitForSelector('#app *', { timeout: 10_000 })
  await page.getByText('Use Outpost on its own for now').click()

  // Not set up yet: the screen asks who you are.
  await page.evaluate(() => (window.location.hash = '#/coaching'))
  await page.waitForSelector('#id-name', { timeout: 10_000 })
  await page.fill('#id-name', 'Ana Lead')
  await page.selectOption('#id-role', 'lead')
  await page.click('button[type=submit]:has-text("Set up")')
  await page.waitForSelector('text=Technicians', { timeout: 10_000 })

  // A technician to coach: from the directory when this build has one, else named by a first note.
  let tech = await api(lead.url, 'TechnicianService/Create', { name: 'Bo Berg', role: 'technician', tier: 1 })
  let techId = tech.body.id
  if (tech.status !== 200) {
    techId = 'bo'
    const r = await api(lead.url, 'CoachingService/AddGoal', techId, { title: 'Seed goal' }, false)
    assert(r.status === 200, `seed goal: ${JSON.stringify(r.body)}`)
  }
  await page.evaluate((id) => (window.location.hash = `#/coaching/${id}`), techId)
  await page.waitForSelector('text=New note', { timeout: 10_000 })

  // o opens a new note (n stays "new ticket" here too); it is saved sealed and listed.
  await page.locator('h1').first().click()
  await page.keyboard.press('o')
  await page.waitForSelector('#ce-body')
  await page.fill('#ce-title', 'November one-on-one')
  await page.fill('#ce-body', 'Calm during the VPN outage; collect logs before escalating.')
  await page.click('button:has-text("Save")')
  await page.waitForSelector('text=November one-on-one', { timeout: 10_000 })
  assert(!(await page.isVisible('#ce-body')), 'the dialog closed after saving')

  // A bad due date is refused in place, naming the field.
  await page.click('button:has-text("Action")')
  await page.fill('#ce-title', 'Read the VPN SOP')
  await page.fill('#ce-due', '2020-01-15')
  await page.click('button:has-text("Save")')
  await page.waitForSelector('text=Read the VPN SOP', { timeout: 10_000 })
  const overdue = await page.textContent('[data-item]:has-text("Read the VPN SOP")')
  assert(/overdue/.test(overdue), `the action shows as overdue: ${overdue}`)
  await page.check('[data-item]:has-text("Read the VPN SOP") input[type=checkbox]')
  await page.waitForSelector('[data-item]:has-text("Read the VPN SOP") >> text=done', { timeout: 10_000 })

  // Export the identity for a second device.
  await page.evaluate(() => (window.location.hash = '#/identity'))
  await page.click('button:has-text("Export identity")')
  await page.fill('#ex-pass', 'short')
  await page.fill('#ex-pass2', 'short')
  await page.click('button[type=submit]:has-text("Export")')
  await page.waitForSelector('[data-field-error="ex-pass"]', { timeout: 10_000 })
  await page.fill('#ex-pass', 'a long enough passphrase')
  await page.fill('#ex-pass2', 'a long enough passphrase')
  await page.click('button[type=submit]:has-text("Export")')
  await page.waitForSelector('textarea.exported', { timeout: 20_000 })
  const exported = await page.inputValue('textarea.exported')
  assert(exported.startsWith('-----BEGIN AGE ENCRYPTED FILE-----'), 'the export is an armoured age file')

  // The second device imports it: a wrong passphrase is refused, the right one binds the device.
  const second = ctx.own(await serve({ extra: ['--no-sync'] }))
  const p2 = await b.newPage()
  p2.on('pageerror', (e) => errors.push(String(e)))
  await p2.goto(second.url)
  await p2.waitForSelector('#app *', { timeout: 10_000 })
  await p2.getByText('Use Outpost on its own for now').click()
  await p2.evaluate(() => (window.location.hash = '#/identity'))
  await p2.click('button:has-text("I already use Outpost on another device")')
  await p2.fill('#id-import', exported)
  await p2.fill('#id-pass', 'not the passphrase')
  await p2.click('button[type=submit]:has-text("Import")')
  await p2.waitForSelector('[data-field-error="id-pass"]', { timeout: 20_000 })
  await p2.fill('#id-pass', 'a long enough passphrase')
  await p2.click('button[type=submit]:has-text("Import")')
  await p2.waitForSelector('h2:has-text("Ana Lead")', { timeout: 20_000 })
  const me = await api(second.url, 'IdentityService/Me')
  assert(me.body.set && me.body.role === 'lead', `second device is Ana: ${JSON.stringify(me.body)}`)

  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
