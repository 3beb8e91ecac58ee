// A technician's whole path through one ticket in the browser: create (with a validation error first),
// triage impact and urgency into a priority, assign, escalate with handover notes, comment, log work,
// resolve; then the queue's filter and keyboard navigation, a bulk assignment in one call, and a problem
// opened from the queue's selection.
import { api, assert, browser, serve } from './harness.mjs'

export default async function lifecycle(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana'] }))
  const b = ctx.own(await browser())
  const page = await b.newPage({ viewport: { width: 1280, height: 800 } })
  page.setDefaultTimeout(10_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  // The team has one technician, Ana, who uses this device; tickets are assigned only to technicians.
  const ana = await api(peer.url, 'TechnicianService/Create', { name: 'Ana', role: 'technician', tier: 1 })
  assert(ana.status === 200, `create Ana: ${JSON.stringify(ana.body)}`)
  const me = await api(peer.url, 'IdentityService/SetUp', 'ana', 'technician', ana.body.id)
  assert(me.status === 200, `set up ana: ${JSON.stringify(me.body)}`)
  // A typed name nobody has is refused with words naming the field, not stored as a new person.
  const phantom = await api(peer.url, 'TicketService/AssignMany', ['any'], 'Pedro')
  assert(phantom.status === 400 && phantom.body.field === 'assignee', `assign to Pedro: ${phantom.status} ${JSON.stringify(phantom.body)}`)
  await page.goto(peer.url)

  // First run offers a team; this test works alone.
  await page.getByText('Use Outpost on its own for now').click()
  await page.getByText('No open tickets').waitFor()

  // New ticket with n; an empty title is refused next to the field.
  await page.keyboard.press('n')
  await page.locator('#nt-title').waitFor()
  await page.getByRole('button', { name: 'Create ticket' }).click()
  await page.locator('[data-field-error="nt-title"]', { hasText: 'Title is required' }).waitFor()
  // The backend's own validation reaches the field too: a title over 200 characters.
  await page.fill('#nt-title', 'x'.repeat(201))
  await page.getByRole('button', { name: 'Create ticket' }).click()
  await page.locator('[data-field-error="nt-title"]', { hasText: 'limit is 200' }).waitFor()
  await page.fill('#nt-title', 'VPN drops every hour')
  await page.fill('#nt-description', 'Sales laptops lose the VPN at each rekey.')
  await page.selectOption('#nt-impact', 'low')
  await page.selectOption('#nt-urgency', 'low')
  await page.fill('#nt-category', 'network')
  await page.fill('#nt-tags', 'vpn, remote')
  await page.keyboard.press('Control+Enter')

  // The ticket page opens on the new ticket.
  await page.waitForURL(/#\/ticket\//)
  await page.getByRole('heading', { name: 'Description' }).waitFor()
  await page.getByText('P5 Planning').first().waitFor()

  // Triage: impact and urgency give the priority.
  await page.selectOption('#f-impact', 'high')
  await page.getByText('P3 Moderate').first().waitFor()
  await page.selectOption('#f-urgency', 'high')
  await page.getByText('P1 Critical').first().waitFor()

  // Inline edit with a validation message in place, then a good value.
  await page.locator('[data-edit="f-title"]').click()
  await page.fill('#f-title', '')
  await page.keyboard.press('Enter')
  await page.locator('[data-field-error="f-title"]', { hasText: 'is required' }).waitFor()
  await page.fill('#f-title', 'VPN drops every hour for sales')
  await page.keyboard.press('Enter')
  await page.locator('[data-edit="f-title"]', { hasText: 'VPN drops every hour for sales' }).waitFor()

  // Assign with a.
  await page.keyboard.press('a')
  assert((await page.locator('#assign-to').evaluate((e) => e.tagName)) === 'SELECT', 'the assignee is picked, not typed')
  await page.selectOption('#assign-to', ana.body.id)
  await page.keyboard.press('Enter')
  await page.locator('[data-testid="assignee"]', { hasText: 'Ana' }).waitFor()
  await page.locator('.meta', { hasText: 'Assigned' }).waitFor()

  // Escalate with e: a short handover is refused, a real one goes through.
  await page.keyboard.press('e')
  await page.fill('#esc-reason', 'needs firewall access')
  await page.fill('#esc-handover', 'too short')
  await page.getByRole('button', { name: 'Escalate', exact: true }).last().click()
  await page.locator('[data-field-error="esc-handover"]', { hasText: 'at least 20 characters' }).waitFor()
  await page.fill('#esc-handover', 'IKE phase 2 fails after rekey; client logs attached; reinstall did not help.')
  await page.getByRole('button', { name: 'Escalate', exact: true }).last().click()
  await page.getByText('Handover:').waitFor()
  await page.locator('.meta', { hasText: 'Tier 2' }).waitFor()

  // Comment with c, sent with ctrl+enter. The page shows the ticket the call returned: the change
  // announced back from this device (records:changed, not remote) fetches the ticket no second time.
  const gets = []
  const onGet = (r) => r.url().endsWith('/api/TicketService/Get') && gets.push(r.url())
  page.on('request', onGet)
  await page.keyboard.press('c')
  await page.keyboard.type('Asked the user to keep the laptop on the dock overnight.')
  await page.keyboard.press('Control+Enter')
  await page.locator('.timeline', { hasText: 'keep the laptop on the dock' }).waitFor()
  await page.waitForTimeout(1000) // the event arrives within milliseconds; a refetch would follow 150 ms later
  page.off('request', onGet)
  assert(gets.length === 0, `a comment made here fetched the ticket again ${gets.length} time(s)`)
  // A change made on this device by something else (a script on the local API, a second tab) is not
  // this page's own: the page fetches the ticket again and shows it.
  const ticketId = decodeURIComponent(new URL(page.url()).hash.split('/').pop())
  await page.waitForTimeout(1600) // past the page's own comment
  const byScript = await api(peer.url, 'TicketService/Comment', ticketId, 'Dock firmware updated by the nightly script.', true)
  assert(byScript.status === 200, `comment by script: ${byScript.status} ${JSON.stringify(byScript.body)}`)
  await page.locator('.timeline', { hasText: 'Dock firmware updated by the nightly script.' }).waitFor()

  // Log work with w (Escape leaves the comment box first); a bad duration is explained, a good one logged.
  await page.keyboard.press('Escape')
  await page.keyboard.press('w')
  await page.fill('#work-time', 'soon')
  await page.getByRole('button', { name: 'Log work' }).last().click()
  await page.locator('[data-field-error="work-time"]').waitFor()
  await page.fill('#work-time', '1h 15m')
  await page.fill('#work-note', 'remote session, collected logs')
  await page.getByRole('button', { name: 'Log work' }).last().click()
  await page.locator('.timeline', { hasText: '1h 15m' }).waitFor()

  // The history reads in words: names, field labels, formatted values, from -> to.
  await page.keyboard.press('h')
  const hist = page.getByTestId('history')
  await hist.getByLabel('Assignee: Ana').first().waitFor()
  await hist.getByLabel('Status: New → Assigned').waitFor()
  await hist.getByLabel('Tier: Tier 1 → Tier 2').waitFor()
  await hist.getByLabel('Impact: Low → High').waitFor()
  await hist.getByLabel('Work log: 1h 15m · remote session, collected logs').waitFor()
  const histText = await hist.innerText()
  for (const raw of [ana.body.id, 'events', 'worklogs', 'assignee']) assert(!histText.includes(raw), `history shows "${raw}":\n${histText}`)

  // Resolve with a resolution note; only legal moves are offered.
  await page.getByRole('button', { name: 'Resolve' }).click()
  const offered = await page.locator('.choices input[type=radio]').evaluateAll((els) => els.map((e) => e.value))
  assert(!offered.includes('new') && !offered.includes('closed'), `legal moves only, got ${offered}`)
  // Without a resolution code it is refused next to the field; with one it resolves.
  await page.fill('#status-note', 'Client updated to 5.3; rekey holds.')
  await page.getByRole('button', { name: 'Set Resolved' }).click()
  await page.getByText('choose how it was resolved').first().waitFor()
  await page.selectOption('#resolve-code', 'fixed')
  await page.screenshot({ path: `${process.env.SHOTS ?? '/tmp'}/resolve-code.png` })
  await page.getByRole('button', { name: 'Set Resolved' }).click()
  await page.locator('.meta', { hasText: 'Resolved' }).waitFor()
  // The resolved ticket says how: the code's name and the note.
  const resolution = page.getByTestId('resolution')
  await resolution.getByText('Fixed', { exact: true }).waitFor()
  await resolution.getByText('Client updated to 5.3; rekey holds.').waitFor()
  // The team renames the code in Settings; the ticket reads the new name.
  const ticketHash = new URL(page.url()).hash
  await page.getByRole('link', { name: /Settings/ }).click()
  const codes = page.getByTestId('resolution-codes')
  await codes.getByLabel('Name of Fixed', { exact: true }).fill('Fixed for good')
  await codes.getByLabel('Name of Fixed', { exact: true }).press('Tab')
  await page.getByText('Renamed to “Fixed for good”').waitFor()
  await page.evaluate((h) => (window.location.hash = h), ticketHash)
  await resolution.getByText('Fixed for good', { exact: true }).waitFor()

  // Back in the queue it is gone from the open view, and found under "Recently resolved".
  await page.keyboard.press('g')
  await page.keyboard.press('q')
  await page.getByText('No open tickets').waitFor()
  await page.getByRole('tab', { name: 'Recently resolved' }).click()
  await page.locator('[data-number]', { hasText: 'VPN drops every hour for sales' }).waitFor()

  // A second and third ticket through the API; the queue refreshes live and filters instantly.
  const origin = new URL(peer.url).origin
  const token = new URL(peer.url).searchParams.get('token')
  for (const title of ['Printer jams on duplex', 'Outlook asks for password'])
    await fetch(`${origin}/api/TicketService/Create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify([{ title, category: 'hardware' }]),
    })
  await page.getByRole('tab', { name: 'All open' }).click()
  await page.locator('[data-testid="queue-total"]', { hasText: '2 tickets' }).waitFor()
  await page.keyboard.press('/')
  // "/" moves the focus to the queue's filter; typing before it lands would go to the page.
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Filter tickets')
  await page.keyboard.type('outlook')
  await page.locator('[data-testid="queue-total"]', { hasText: '1 ticket' }).waitFor()
  // The filter is saved as a view; it is kept in the replica (it follows the person to their other
  // devices), so it is there after a reload, and a view an earlier version kept in the window's
  // local storage moves into the replica.
  await page.getByRole('button', { name: '+ Save as view' }).click()
  await page.fill('input[aria-label="View name"]', 'Outlook')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByRole('tab', { name: 'Outlook' }).waitFor()
  await page.evaluate(() => localStorage.setItem('outpost.queue.views', JSON.stringify([{ id: 'x1', name: 'Printers', filter: { text: 'printer' } }])))
  await page.reload()
  await page.getByRole('tab', { name: 'Printers' }).waitFor()
  await page.getByRole('tab', { name: 'Outlook' }).click()
  await page.locator('[data-testid="queue-total"]', { hasText: '1 ticket' }).waitFor()
  const stored = await (await fetch(`${origin}/api/ViewService/List`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '[]' })).json()
  assert(stored.map((v) => v.name).join(',') === 'Outlook,Printers', `views in the replica: ${JSON.stringify(stored)}`)
  assert((await page.evaluate(() => localStorage.getItem('outpost.queue.views'))) === null, 'the old local views were left behind')
  await page.locator('.table .body').focus()
  await page.keyboard.press('Enter')
  await page.waitForURL(/#\/ticket\//)
  await page.getByText('Outlook asks for password').first().waitFor()

  // Bulk assign from the keyboard: select two with x, assign both with a.
  await page.keyboard.press('g')
  await page.keyboard.press('q')
  await page.getByRole('tab', { name: 'All open' }).click()
  await page.locator('input[aria-label="Filter tickets"]').fill('')
  await page.locator('[data-testid="queue-total"]', { hasText: '2 tickets' }).waitFor()
  await page.locator('.table .body').focus()
  await page.keyboard.press('x')
  await page.keyboard.press('j')
  await page.keyboard.press('x')
  await page.getByText('2 selected').waitFor()
  // The bulk assignment is one call (one action on the backend), not one call per ticket.
  const assignCalls = []
  const onRequest = (r) => {
    const m = r.url().match(/\/api\/TicketService\/(Assign\w*)/)
    if (m) assignCalls.push(m[1])
  }
  page.on('request', onRequest)
  await page.keyboard.press('a')
  await page.locator('#bulk-assignee').waitFor()
  const focused = await page.evaluate(() => document.activeElement?.id)
  assert(focused === 'bulk-assignee', `a puts the focus on the picker, not on ${focused}`)
  await page.locator('#bulk-assignee').selectOption(ana.body.id)
  await page.keyboard.press('Enter')
  await page.getByText('Assigned 2 to Ana').waitFor()
  page.off('request', onRequest)
  assert(assignCalls.join(',') === 'AssignMany', `bulk assign calls: ${assignCalls.join(',') || 'none'}, want one AssignMany`)
  await page.getByRole('tab', { name: 'Assigned to me' }).click()
  await page.locator('[data-testid="queue-total"]', { hasText: '2 tickets' }).waitFor()

  // A lead sees the two come back together: select both and open a problem with them (p).
  const numbers = await page.locator('.table .body [data-number]').evaluateAll((rows) => rows.map((r) => r.dataset.number))
  assert(numbers.length === 2, `two rows in "Assigned to me", got ${numbers.join(',')}`)
  await page.locator('.table .body').focus()
  await page.keyboard.press('g')
  await page.keyboard.press('g')
  await page.keyboard.press('x')
  await page.keyboard.press('j')
  await page.keyboard.press('x')
  await page.getByText('2 selected').waitFor()
  await page.keyboard.press('p')
  await page.waitForURL(/#\/lead\/problems\/new\/[^/]+/)
  const chosen = page.getByTestId('chosen-tickets')
  for (const n of numbers) await chosen.getByRole('link', { name: n }).waitFor()
  await page.fill('#np-title', 'Hardware tickets keep coming back')
  await page.getByTestId('open-problem').click()
  await page.getByTestId('problem').getByRole('heading', { name: 'Hardware tickets keep coming back' }).waitFor()
  for (const n of numbers) await page.locator('.incidents a', { hasText: n }).waitFor()

  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
