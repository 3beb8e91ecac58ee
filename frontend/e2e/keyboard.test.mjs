// The shortcut map, walked with the keyboard: "g <key>" reaches every screen, ? lists the global keys
// and the screen's own, Esc closes the overlay and every dialog wherever the focus is, and n opens a
// new ticket on every screen.
import { assert, browser, serve } from './harness.mjs'

const general = [
  ['?', 'Show keyboard shortcuts'],
  ['n', 'New ticket'],
  ['/', 'Search the queue'],
]
const dialogs = [['Esc', 'Close the dialog or overlay']]

// Each screen in navigation order: its "g" key, its route, and the group of keys only it binds.
const walk = [
  { key: 'q', id: 'queue', label: 'Queue', group: 'Queue', keys: [['j', 'Next ticket'], ['Enter', 'Open the ticket'], ['Shift+X', 'Select every loaded ticket'], ['g g', 'First ticket'], ['Esc', 'Clear the selection']] },
  { key: 't', id: 'technicians', label: 'Technicians', group: 'Technicians', keys: [['Shift+T', 'New technician'], ['Ctrl+Enter', 'Save the profile']] },
  { key: 'k', id: 'kb', label: 'Knowledge base', group: 'Knowledge base', keys: [['Shift+S', 'New SOP'], ['f', 'Search the knowledge base'], ['e', 'Edit this SOP']] },
  { key: 'c', id: 'coaching', label: 'Coaching', group: 'Coaching', keys: [['o', 'New one-on-one note'], ['i', 'New action item'], ['t', 'New goal']] },
  { key: 'v', id: 'visits', label: 'Visits', group: 'Visits', keys: [['[', 'Previous day / week'], ['d', 'Today'], ['w', 'Switch day / week view']] },
  { key: 'r', id: 'reports', label: 'Reports', group: 'Reports', keys: [['r', 'Refresh reports'], ['w', 'Weekly summary']] },
  { key: 'l', id: 'lead', label: "Lead's week" },
  { key: 'p', id: 'team', label: 'Team & peers' },
  { key: 'd', id: 'data', label: 'Data' },
  { key: 'a', id: 'sla', label: 'SLA policy', group: 'SLA policy', keys: [['Ctrl+S', 'Save the SLA settings']] },
  { key: 's', id: 'settings', label: 'Settings' },
  { key: 'f', id: 'search', label: 'Search', group: 'Search', keys: [['f', 'Focus the search box'], ['j', 'Next result']] },
]
const navigation = walk.map((s) => [`g ${s.key}`, `Go to ${s.label}`])

export default async function keyboard(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync'] }))
  const b = ctx.own(await browser())
  const page = await b.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e.stack)))
  await page.addInitScript(() => localStorage.setItem('outpost.firstrun.skipped', '1'))
  await page.goto(peer.url)
  await page.getByText('No open tickets').waitFor()

  const hash = () => page.evaluate(() => window.location.hash)
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  const newTicket = page.getByRole('dialog', { name: 'New ticket' })

  // listed reads the ? overlay: each group's heading with its [keys, description] pairs.
  const listed = () =>
    help.locator('section').evaluateAll((sections) =>
      Object.fromEntries(
        sections.map((s) => [
          s.querySelector('h3').textContent.trim(),
          [...s.querySelectorAll('dt')].map((dt) => [[...dt.querySelectorAll('kbd')].map((k) => k.textContent.trim()).join(' '), dt.nextElementSibling.textContent.trim()]),
        ]),
      ),
    )
  const lists = (groups, group, want) => {
    const have = (groups[group] ?? []).map((p) => p.join(' = '))
    for (const w of want) assert(have.includes(w.join(' = ')), `the ${group} group lists ${w.join(' = ')}: ${JSON.stringify(groups[group])}`)
  }

  for (const s of walk) {
    // g <key> goes to the screen.
    await page.keyboard.press('g')
    await page.keyboard.press(s.key)
    await page.waitForFunction((id) => window.location.hash.startsWith(`#/${id}`), s.id)
    await page.locator(`nav a[aria-current=page]`, { hasText: s.label }).waitFor()
    await page.locator(`main[data-screen="${s.id}"]`).waitFor()
    // The search screen puts the cursor in its box; Esc on the empty box leaves it, so keys act again.
    if (s.id === 'search') await page.keyboard.press('Escape')

    // ? lists the global keys, the way out of a dialog and this screen's own keys, each under its group.
    await page.keyboard.press('?')
    await help.waitFor()
    const groups = await listed()
    lists(groups, 'General', general)
    lists(groups, 'Navigation', navigation)
    lists(groups, 'Dialogs', dialogs)
    if (s.group) lists(groups, s.group, s.keys)
    const screenGroups = walk.filter((o) => o.group && o.group !== s.group).map((o) => o.group)
    assert(!Object.keys(groups).some((g) => screenGroups.includes(g)), `${s.id} lists no other screen's keys: ${Object.keys(groups)}`)
    // Esc closes the overlay, with the focus where it was.
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
    assert((await hash()).startsWith(`#/${s.id}`), `Esc closed the overlay only, on ${s.id}`)

    // n is a new ticket here too; Esc closes the dialog, from the title field.
    await page.keyboard.press('n')
    await newTicket.waitFor()
    assert((await page.evaluate(() => document.activeElement?.id)) === 'nt-title', 'the title field has the focus')
    await page.keyboard.press('Escape')
    await newTicket.waitFor({ state: 'detached' })
  }

  // Esc closes a dialog after a click left the focus outside any field.
  await page.keyboard.press('n')
  await newTicket.waitFor()
  await newTicket.locator('h2').click()
  assert((await page.evaluate(() => document.activeElement?.tagName)) === 'BODY', 'the focus left the fields')
  await page.keyboard.press('Escape')
  await newTicket.waitFor({ state: 'detached' })

  // ? opens over a dialog; Esc closes the overlay first, then the dialog.
  await page.keyboard.press('n')
  await newTicket.waitFor()
  await newTicket.locator('h2').click()
  await page.keyboard.press('?')
  await help.waitFor()
  await page.keyboard.press('Escape')
  await help.waitFor({ state: 'detached' })
  assert(await newTicket.isVisible(), 'the new-ticket dialog is still open under the overlay')
  await page.keyboard.press('Escape')
  await newTicket.waitFor({ state: 'detached' })

  // A ticket: its dialogs close with Esc, and only then does Esc go back to the queue.
  await page.keyboard.press('n')
  await page.fill('#nt-title', 'Printer on floor 2 jams')
  await page.getByRole('button', { name: 'Create ticket' }).click()
  await page.waitForURL(/#\/ticket\//)
  await page.getByRole('heading', { name: 'Description' }).waitFor()
  const ticketUrl = page.url()
  for (const [key, name] of [
    ['m', /^Merge /],
    ['e', /^Escalate /],
    ['a', /^Assign /],
    ['s', 'Change status'],
    ['n', 'New ticket'],
  ]) {
    await page.keyboard.press(key)
    const d = page.getByRole('dialog', { name })
    await d.waitFor()
    await page.keyboard.press('Escape')
    await d.waitFor({ state: 'detached' })
    assert(page.url() === ticketUrl, `Esc closed the ${key} dialog and stayed on the ticket`)
  }
  await page.getByRole('heading', { name: 'Description' }).click()
  await page.keyboard.press('Escape')
  await page.waitForFunction(() => window.location.hash.startsWith('#/queue'))

  // A screen's own "new" key: Shift+T is a new technician, n still a ticket.
  await page.keyboard.press('g')
  await page.keyboard.press('t')
  await page.waitForFunction(() => window.location.hash.startsWith('#/technicians'))
  await page.getByTestId('technician-list').waitFor() // the screen's keys are bound once it is on the page
  await page.keyboard.press('Shift+T')
  await page.waitForFunction(() => window.location.hash === '#/technicians/new')

  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
