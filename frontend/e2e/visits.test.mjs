// A field technician's path in the browser: the ticket page ranks technicians with the reason and
// auto-assigns the qualified one, a visit
// is scheduled from the ticket in the technician's time zone, a second overlapping visit is flagged as
// double-booked, the checklist is ticked and survives a reload, the outcome completes the visit, and the
// day view's .ics download holds the visit with its zone.
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
  await page.fill('#outcome', 'Switch replaced, uplink tested.')
  await page.getByRole('button', { name: 'Complete visit' }).click()
  await page.locator('.status', { hasText: 'Done' }).waitFor()

  // The day view lists both visits with the flag; the .ics carries the zone.
  await page.goto(`${origin}/#/visits/day/${ana.id}/${day}`)
  await page.locator('[data-testid=day-visits] li.visit').nth(1).waitFor()
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=ics]')])
  const file = `${tempDir('outpost-ics-')}/visits.ics`
  await dl.saveAs(file)
  const ics = readFileSync(file, 'utf8')
  assert(ics.includes('BEGIN:VCALENDAR') && ics.includes(`UID:${visitId}@outpost`), 'the .ics holds the visit')
  assert(ics.includes(`DTSTART;TZID=Europe/Berlin:${day.replaceAll('-', '')}T090000`), 'DTSTART is 09:00 in Berlin')
  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
