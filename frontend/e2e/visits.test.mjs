// A field technician's path in the browser: the ticket page ranks technicians with the reason and
// auto-assigns the qualified one, a visit
// is scheduled from the ticket in the technician's time zone, a second overlapping visit is flagged as
// double-booked, the checklist is ticked and survives a reload, a visit to come cannot be completed, a past
// one's outcome lands on the ticket as a work log and a note, the day view's .ics download holds the visit
// with its zone, a reassignment offers to move the visits to come, and time off lists the visits it hits.
import { readFileSync } from 'node:fs'
import { assert, browser, serve, tempDir } from './harness.mjs'

export default async function visits(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana'] }))
  const b = ctx.own(await browser())
  const origin = new URL(peer.url).origin
  const token = new URL(peer.url).searchParams.get('token')
  const api = async (path, args) => {
    const r = await fetch(`${origin}/api/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(args) })
    const j = await r.json()
    if (!r.ok) throw new Error(`${path}: ${JSON.stringify(j)}`)
    return j
  }
  const everyDay = { zone: 'Europe/Berlin', shifts: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '23:59' })) }
  const ana = await api('TechnicianService/Create', [{ name: 'Ana Costa', tier: 2, skills: { networking: 4 }, hours: everyDay, onSite: true }])
  await api('TechnicianService/Create', [{ name: 'Ben Okafor', tier: 1, skills: { printers: 3 }, hours: everyDay, onSite: true }])
  const tk = await api('TicketService/Create', [{ title: 'Switch in room 4 is dead', category: 'network', requester: { name: 'Mia', site: 'Lindenstrasse office' } }])
  const day = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10)

  const page = await b.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  page.setDefaultTimeout(10_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(peer.url)
  // The replica already holds tickets, so the app opens on its screens, not the welcome card.
  await page.waitForSelector('nav[aria-label=Main]')

  // The suggestion names the skill; assigning from it stores Ana and shows her name.
  await page.goto(`${origin}/#/ticket/${tk.id}`)
  const panel = page.locator('[data-testid=suggested-assignee]')
  await panel.getByRole('button', { name: 'Show the ranking' }).click()
  await panel.getByText('Has networking skill (level 4), no open tickets').waitFor()
  await panel.getByText('Not suggested: no networking skill').waitFor()
  await panel.getByRole('button', { name: 'Least loaded' }).click()
  await page.locator('[data-testid=assignee]', { hasText: 'Ana Costa' }).waitFor()
  assert((await api('TicketService/Get', [tk.id])).assignee === ana.id, 'the ticket stores the technician ID')

  // Schedule from the ticket: times are read in Ana's zone (Berlin).
  await page.getByRole('link', { name: '+ Schedule visit' }).click()
  await page.locator('[data-testid=new-visit] form').waitFor()
  await page.selectOption('#v-tech', ana.id)
  await page.fill('#v-date', day)
  await page.fill('#v-start', '09:00')
  await page.fill('#v-end', '11:00')
  await page.fill('#v-checklist', 'Replace switch\nTest uplink')
  await page.getByRole('button', { name: 'Schedule visit' }).click()
  await page.locator('[data-testid=visit-detail]').waitFor()
  const visitId = decodeURIComponent(page.url().split('/').pop())
  const v = await api('VisitService/Get', [visitId])
  assert(v.start === `${day}T07:00:00Z` || v.start === `${day}T08:00:00Z`, `09:00 Berlin stored as UTC, got ${v.start}`)

  // A second, overlapping visit for Ana is flagged on both.
  await api('VisitService/Create', [{ ticketId: tk.id, technician: ana.id, start: `${day}T10:00`, end: `${day}T12:00` }])
  await page.locator('[data-flag=double-booked]').waitFor()

  // Tick, reload, still ticked; complete with an outcome.
  await page.getByRole('checkbox', { name: 'Replace switch' }).check()
  await page.locator('.status', { hasText: 'In progress' }).waitFor()
  await page.reload()
  await page.locator('[data-testid=checklist]').waitFor()
  assert(await page.getByRole('checkbox', { name: 'Replace switch' }).isChecked(), 'the tick survives a reload')
  // A visit two days ahead cannot be completed yet: the refusal says why.
  await page.fill('#outcome', 'Switch replaced, uplink tested.')
  await page.getByRole('button', { name: 'Complete visit' }).click()
  await page.getByText('it can be completed once it has started').waitFor()
  assert((await api('VisitService/Get', [visitId])).status === 'in_progress', 'a future visit stays open')

  // Yesterday's visit is completed: its time and outcome land on the ticket.
  const yesterday = new Date(Date.now() - 86400_000).toISOString().slice(0, 10)
  const past = await api('VisitService/Create', [{ ticketId: tk.id, technician: ana.id, start: `${yesterday}T09:00`, end: `${yesterday}T10:30` }])
  await page.goto(`${origin}/#/visits/visit/${past.id}`)
  await page.locator('[data-testid=visit-detail]').waitFor()
  await page.fill('#outcome', 'Switch replaced, uplink tested.')
  await page.getByRole('button', { name: 'Complete visit' }).click()
  await page.locator('.status', { hasText: 'Done' }).waitFor()
  const after = await api('TicketService/Get', [tk.id])
  assert(after.workLogs.length === 1 && after.workLogs[0].minutes === 90, `work log on the ticket: ${JSON.stringify(after.workLogs)}`)
  assert(after.comments.some((c) => c.body.includes('Outcome: Switch replaced, uplink tested.')), `outcome note on the ticket: ${JSON.stringify(after.comments)}`)
  await page.goto(`${origin}/#/ticket/${tk.id}`)
  await page.getByText('Outcome: Switch replaced, uplink tested.').waitFor()
  await page.screenshot({ path: `${process.env.SHOTS ?? '/tmp'}/visit-outcome-on-ticket.png`, fullPage: true })


  // The day view lists both visits with the flag; the .ics carries the zone.
  await page.goto(`${origin}/#/visits/day/${ana.id}/${day}`)
  await page.locator('[data-testid=day-visits] li.visit').nth(1).waitFor()
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=ics]')])
  const file = `${tempDir('outpost-ics-')}/visits.ics`
  await dl.saveAs(file)
  const ics = readFileSync(file, 'utf8')
  assert(ics.includes('BEGIN:VCALENDAR') && ics.includes(`UID:${visitId}@outpost`), 'the .ics holds the visit')
  assert(ics.includes(`DTSTART;TZID=Europe/Berlin:${day.replaceAll('-', '')}T090000`), 'DTSTART is 09:00 in Berlin')
  // Reassigning the ticket offers to move Ana's visits to come to Ben.
  const ben = (await api('TechnicianService/List', [false])).find((x) => x.name === 'Ben Okafor')
  await page.goto(`${origin}/#/ticket/${tk.id}`)
  await page.getByRole('heading', { name: 'Description' }).waitFor()
  await page.keyboard.press('a')
  await page.selectOption('#assign-to', ben.id)
  await page.locator('#assign-form').evaluate((f) => f.requestSubmit())
  const offer = page.locator('[data-testid=move-visits]')
  await offer.waitFor()
  await page.screenshot({ path: `${process.env.SHOTS ?? '/tmp'}/reassign-move-visits.png`, fullPage: true })
  await offer.getByRole('button', { name: 'Move to Ben Okafor' }).click()
  await offer.waitFor({ state: 'detached' })
  assert((await api('VisitService/Get', [visitId])).technician === ben.id, 'the visit to come moved with the ticket')
  assert((await api('VisitService/Get', [past.id])).technician === ana.id, 'the finished visit stays with Ana')

  // Ben's time off over that day lists the visit.
  const { name, tier, skills, hours, onSite } = await api('TechnicianService/Get', [ben.id])
  const benNow = { name, tier, skills, hours, onSite }
  await api('TechnicianService/Update', [ben.id, { ...benNow, timeOff: [{ from: day, to: day, note: 'training' }] }])
  await page.goto(`${origin}/#/technicians/${ben.id}`)
  await page.locator('[data-testid=time-off-visits]').getByText(tk.number).first().waitFor()
  await page.screenshot({ path: `${process.env.SHOTS ?? '/tmp'}/time-off-visits.png`, fullPage: true })
  // Time off that ends before it starts is refused in words, next to its row.
  await page.fill('[data-testid=profile-editor] input[aria-label="To"]', '2020-01-01')
  await page.click('button:has-text("Save profile")')
  const refusal = page.locator('[data-field-error="time-off-0"]')
  await refusal.waitFor()
  const said = await refusal.innerText()
  assert(said === 'Time off 1, until must be after the start of the time off', `time off refusal: ${said}`)
  assert(!(await page.locator('[data-testid=profile-editor]').innerText()).includes('timeOff'), 'no field path on the page')
  await api('TechnicianService/Update', [ben.id, { ...benNow, timeOff: [] }])
  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
