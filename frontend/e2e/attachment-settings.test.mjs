// The team's attachment settings in the browser: a lead lowers the largest file and the disk space
// kept for attachments in Settings; the server then refuses a file over the new limit in words, and
// once the attachments take more than the space kept for them, Settings and the ticket warn.
import { assert, browser, serve } from './harness.mjs'

export default async function attachmentSettings(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana'] }))
  const b = ctx.own(await browser())
  const origin = new URL(peer.url).origin
  const auth = { Authorization: `Bearer ${new URL(peer.url).searchParams.get('token')}` }
  const api = async (path, args) => {
    const r = await fetch(`${origin}/api/${path}`, { method: 'POST', headers: auth, body: JSON.stringify(args) })
    const j = await r.json()
    if (!r.ok) throw new Error(`${path}: ${JSON.stringify(j)}`)
    return j
  }
  const tk = await api('TicketService/Create', [{ title: 'Camera footage of the loading bay', category: 'hardware', requester: { name: 'Mia', site: 'Depot' } }])

  const page = await b.newPage({ viewport: { width: 1280, height: 900 } })
  page.setDefaultTimeout(10_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(peer.url)
  await page.waitForSelector('nav[aria-label=Main]')
  await page.goto(`${origin}/#/settings`)
  const card = page.locator('[data-testid=attachment-settings]')
  await card.waitFor()
  assert((await card.getByLabel('Largest file').inputValue()) === '200', 'the default limit is 200 MB')
  assert((await card.getByLabel('Fetch at once up to').inputValue()) === '25', 'the default eager size is 25 MB')
  assert(!(await card.getByRole('checkbox').isChecked()), 'photos keep their location by default')

  // A value that does not fit is refused in words, and nothing changes.
  await card.getByLabel('Fetch at once up to').fill('300')
  await card.getByRole('button', { name: 'Save' }).click()
  await card.locator('[role=alert]').waitFor()
  const refused = await card.locator('[role=alert]').innerText()
  assert(refused.includes('between 0 and the largest file'), `the eager size over the limit is refused: ${refused}`)
  assert((await api('AttachmentService/Settings', [])).eagerMB === 25, 'a refused save kept the settings')

  await card.getByLabel('Fetch at once up to').fill('10')
  await card.getByLabel('Largest file').fill('60')
  await card.getByLabel('Disk space per device').fill('100')
  await card.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Attachment settings saved for the team').waitFor()
  const saved = await api('AttachmentService/Settings', [])
  assert(saved.maxFileMB === 60 && saved.eagerMB === 10 && saved.quotaMB === 100, `saved: ${JSON.stringify(saved)}`)

  // The server applies the new limit at once.
  const big = new Uint8Array((60 << 20) + 1)
  let r = await fetch(`${origin}/api/attachments/ticket/${tk.id}?name=bay.mp4`, { method: 'POST', headers: auth, body: big })
  const said = (await r.json()).error ?? ''
  assert(r.status === 413 && said.includes('60 MB'), `a file over the new limit is refused in words: ${r.status} ${said}`)

  // 110 MB of attachments pass the 100 MB kept for them: Settings and the ticket warn.
  for (const n of [1, 2]) {
    const part = new Uint8Array(55 << 20).fill(n)
    r = await fetch(`${origin}/api/attachments/ticket/${tk.id}?name=bay-${n}.mp4`, { method: 'POST', headers: auth, body: part })
    assert(r.ok, `a file under the limit is taken: ${r.status}`)
  }
  await page.reload()
  const warning = await card.locator('[data-testid=quota-warning]').innerText()
  assert(warning.includes('more than the 100 MB this device keeps'), `the quota warning: ${warning}`)
  await page.goto(`${origin}/#/ticket/${tk.id}`)
  const onTicket = await page.locator('[data-testid=attachments] .warn').innerText()
  assert(onTicket.includes('more than the 100 MB'), `the ticket's attachments warn too: ${onTicket}`)
  assert(errors.length === 0, `no page errors: ${errors.join('\n')}`)
}
