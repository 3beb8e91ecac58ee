// Captures the main screens in headless chromium against a fresh `outpost serve` with sample tickets:
//   node e2e/screenshots.mjs <out dir>
import { mkdirSync } from 'node:fs'
import { browser, serve } from './harness.mjs'

const out = process.argv[2] ?? '/tmp/outpost-shots'
mkdirSync(out, { recursive: true })
const peer = await serve({ extra: ['--no-sync', '--name', 'ana'] })
const b = await browser()
try {
  const token = new URL(peer.url).searchParams.get('token')
  const origin = new URL(peer.url).origin
  const api = async (path, args) => {
    const r = await fetch(`${origin}/api/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(args) })
    return r.json()
  }
  const samples = [
    ['VPN drops every hour for the sales team', 'network', 'high', 'high', ['vpn', 'remote']],
    ['Printer on 2nd floor jams on duplex', 'hardware', 'low', 'medium', ['printer']],
    ['New starter needs laptop and accounts', 'onboarding', 'medium', 'medium', ['onboarding']],
    ['Outlook keeps asking for password', 'email', 'medium', 'high', ['outlook', 'mfa']],
    ['Wi-Fi slow in meeting room B', 'network', 'low', 'low', ['wifi']],
    ['Shared drive permissions for finance', 'access', 'medium', 'low', []],
    ['Payroll server unreachable', 'server', 'high', 'high', ['payroll']],
    ['Monitor flickers', 'hardware', 'low', 'low', []],
  ]
  const made = []
  for (const [title, category, impact, urgency, tags] of samples)
    made.push(await api('TicketService/Create', [{ title, category, impact, urgency, tags, description: 'Reported by phone. The user says it started this morning.', requester: { name: 'Jo Miller', contact: 'jo@example.org', site: 'HQ 2F' } }]))
  await api('TicketService/Assign', [made[0].id, 'ana'])
  await api('TicketService/Assign', [made[3].id, 'ben'])
  await api('TicketService/Transition', [made[3].id, 'in_progress', ''])
  await api('TicketService/Comment', [made[0].id, 'Called the user, VPN client 5.2 drops on rekey.', true])
  await api('TicketService/LogWork', [made[0].id, 35, 'remote session, collected logs'])
  await api('TicketService/Escalate', [made[0].id, { toTier: 2, to: '', reason: 'needs firewall access', handover: 'IKE phase 2 fails after rekey; client logs attached; tried reinstalling the client.' }])

  const page = await b.newPage({ viewport: { width: 1280, height: 800 } })
  await page.goto(peer.url)
  // The replica already holds tickets, so the app opens on the queue, not the welcome card.
  await page.waitForSelector('[data-number]')
  await page.screenshot({ path: `${out}/queue.png` })
  await page.keyboard.press('f')
  await page.keyboard.press('j')
  await page.keyboard.press('x')
  await page.keyboard.press('j')
  await page.keyboard.press('x')
  await page.screenshot({ path: `${out}/queue-filters-selection.png` })
  await page.goto(`${origin}/#/ticket/${made[0].id}`)
  await page.waitForSelector('text=Handover')
  await page.screenshot({ path: `${out}/ticket.png` })
  await page.keyboard.press('e')
  await page.waitForSelector('#esc-handover')
  await page.screenshot({ path: `${out}/escalate.png` })
  await page.keyboard.press('Escape')
  await page.keyboard.press('h')
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${out}/history.png` })
  await page.keyboard.press('n')
  await page.waitForSelector('#nt-title')
  await page.click('text=Create ticket')
  await page.waitForTimeout(200)
  await page.screenshot({ path: `${out}/new-ticket.png` })
  await page.keyboard.press('Escape')
  await page.goto(`${origin}/#/team`)
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${out}/team.png` })
  await page.goto(`${origin}/#/settings`)
  await page.click('text=Dark')
  await page.waitForTimeout(200)
  await page.screenshot({ path: `${out}/settings-dark.png` })
  await page.goto(`${origin}/#/queue`)
  await page.waitForSelector('[data-number]')
  await page.keyboard.press('?')
  await page.waitForTimeout(200)
  await page.screenshot({ path: `${out}/help-dark.png` })
  console.log(`screenshots in ${out}`)
} finally {
  await b.close()
  await peer.stop()
  peer.cleanup()
}
