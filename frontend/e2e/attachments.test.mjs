// Attachments in the browser, on one device: a screenshot pasted into a ticket is named by the minute
// and shows as a thumbnail that opens larger (Esc closes it); an SVG and an HTML file that carry
// scripts are attached, listed as files, downloaded and opened by their routes, and no script of
// theirs ever runs (no dialog fires); a file over the team's limit is refused before a byte is sent,
// in words; removing asks first; an attachment added elsewhere appears without a reload; text pasted
// into a field stays text; the SOP and visit pages carry their own attachments.
import { readFileSync } from 'node:fs'
import { assert, browser, pasteImage, serve, tempDir } from './harness.mjs'

const SVG = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert('svg onload')">
  <script>alert('svg script')</script>
  <rect width="100" height="100" fill="red"/>
</svg>`
const HTML = `<!doctype html><html><body><script>alert('html script')</script><img src="x" onerror="alert('html onerror')"><h1>hi</h1></body></html>`

export default async function attachments(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana'] }))
  const b = ctx.own(await browser())
  const origin = new URL(peer.url).origin
  const token = new URL(peer.url).searchParams.get('token')
  const auth = { Authorization: `Bearer ${token}` }
  const api = async (path, args) => {
    const r = await fetch(`${origin}/api/${path}`, { method: 'POST', headers: auth, body: JSON.stringify(args) })
    const j = await r.json()
    if (!r.ok) throw new Error(`${path}: ${JSON.stringify(j)}`)
    return j
  }
  const tk = await api('TicketService/Create', [{ title: 'Error dialog when printing invoices', category: 'printing', requester: { name: 'Mia', site: 'Lindenstrasse office' } }])

  const page = await b.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  page.setDefaultTimeout(10_000)
  const dialogs = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    d.dismiss().catch(() => {})
  })
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(peer.url)
  await page.waitForSelector('nav[aria-label=Main]')

  // The dialog watch works: a script's alert on the page is seen.
  await page.evaluate(() => setTimeout(() => alert('control'), 0))
  await page.waitForTimeout(200)
  assert(dialogs.length === 1 && dialogs[0] === 'control', `the control alert is seen, got ${JSON.stringify(dialogs)}`)
  dialogs.length = 0

  await page.goto(`${origin}/#/ticket/${tk.id}`)
  const box = page.locator('[data-testid=attachments]')
  await box.getByText('No files yet').waitFor()

  // Text copied from an office program (text beside a picture of it) pasted into the comment box is not attached.
  await page.evaluate(() => {
    const dt = new DataTransfer()
    dt.setData('text/plain', 'Invoice 4711')
    dt.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'image.png', { type: 'image/png' }))
    document.querySelector('#comment-body').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
  })
  await page.waitForTimeout(300)
  assert((await box.locator('[data-testid=upload], [data-testid=attachment]').count()) === 0, 'a text paste into a field attaches nothing')

  // Paste a screenshot: a clipboard image that the browser calls image.png.
  await pasteImage(page)
  const tile = box.locator('.gallery [data-testid=attachment]')
  await tile.waitFor()
  const name = await tile.getAttribute('data-name')
  assert(/^Screenshot \d{4}-\d\d-\d\d \d\d\.\d\d\.png$/.test(name), `a pasted image is named as a screenshot, got ${name}`)
  const thumb = tile.locator('img')
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle())
  const src = await thumb.getAttribute('src')
  assert(/^\/api\/attachments\/[0-9a-f]+\/thumb$/.test(src), `the gallery shows the thumbnail route, got ${src}`)
  const [stored] = await api('AttachmentService/List', ['ticket', tk.id])
  assert(stored.name === name && stored.type === 'image/png' && stored.here, `the ticket holds the screenshot: ${JSON.stringify(stored)}`)

  // It opens larger in an overlay; Esc closes it and leaves the page where it was.
  const url = page.url()
  await tile.locator('button.thumb').click()
  const viewer = page.locator('.viewer[role=dialog]')
  await viewer.waitFor()
  assert((await viewer.locator('img').getAttribute('src')) === src, 'the larger view shows the thumbnail, not the original')
  await page.keyboard.press('h') // the page's shortcut to History stays off behind the overlay
  assert((await page.getByRole('tab', { name: /Activity/ }).getAttribute('aria-selected')) === 'true', 'shortcuts are off while the overlay is open')
  await page.keyboard.press('Escape')
  await viewer.waitFor({ state: 'detached' })
  assert(page.url() === url, 'Esc closed the overlay only')

  // An SVG and an HTML page, both with scripts, through the file picker.
  await box.locator('input[type=file]').setInputFiles([
    { name: 'diagram.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(SVG) },
    { name: 'invoice.html', mimeType: 'text/html', buffer: Buffer.from(HTML) },
  ])
  const svgRow = box.locator('.files [data-name="diagram.svg"]')
  const htmlRow = box.locator('.files [data-name="invoice.html"]')
  await svgRow.waitFor()
  await htmlRow.waitFor()
  assert((await box.locator('.files img').count()) === 0, 'no file row renders an image')
  assert((await box.locator('.gallery [data-testid=attachment]').count()) === 1, 'only the screenshot is in the gallery')
  const svgText = await svgRow.innerText()
  assert(svgText.includes('SVG') && svgText.includes('ana'), `the SVG row has its icon and who added it: ${svgText}`)

  // Downloading saves the exact bytes and runs nothing.
  const dir = tempDir('outpost-att-')
  for (const [row, want, body] of [
    [svgRow, 'diagram.svg', SVG],
    [htmlRow, 'invoice.html', HTML],
  ]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download' }).click()])
    assert(dl.suggestedFilename() === want, `downloaded as ${want}, got ${dl.suggestedFilename()}`)
    await dl.saveAs(`${dir}/${want}`)
    assert(readFileSync(`${dir}/${want}`, 'utf8') === body, `${want} downloaded byte for byte`)
  }
  // Opening the routes directly, in a tab and in a frame of the app's origin, does not render them either.
  const list = await api('AttachmentService/List', ['ticket', tk.id])
  const svg = list.find((a) => a.name === 'diagram.svg')
  const html = list.find((a) => a.name === 'invoice.html')
  assert(!svg.type.includes('svg') && svg.type.startsWith('text/'), `the SVG's type is sniffed as text: ${svg.type}`)
  const thumbStatus = await page.evaluate(async (h) => (await fetch(`/api/attachments/${h}/thumb`)).status, svg.hash)
  assert(thumbStatus === 415, `an SVG has no thumbnail, got ${thumbStatus}`)
  for (const a of [svg, html]) {
    const tab = await b.newPage({ acceptDownloads: true })
    tab.on('dialog', (d) => {
      dialogs.push(`tab: ${d.message()}`)
      d.dismiss().catch(() => {})
    })
    await tab.goto(peer.url)
    await tab.waitForSelector('nav[aria-label=Main]')
    const dl = tab.waitForEvent('download')
    await tab.goto(`${origin}/api/attachments/${a.hash}?name=${encodeURIComponent(a.name)}`).catch(() => {}) // "Download is starting"
    await dl
    await tab.close()
    await page.evaluate((h) => {
      const f = document.createElement('iframe')
      f.src = `/api/attachments/${h}`
      document.body.appendChild(f)
    }, a.hash)
  }
  await page.waitForTimeout(1500)
  assert(dialogs.length === 0, `no script of an attachment ran, saw dialogs ${JSON.stringify(dialogs)}`)

  // A file over the team's limit, dropped: refused in words before any byte is sent.
  const usage = await api('AttachmentService/Usage', [])
  let posted = 0
  page.on('request', (r) => r.method() === 'POST' && r.url().includes('/api/attachments/') && posted++)
  await page.evaluate((max) => {
    const dt = new DataTransfer()
    dt.items.add(new File([new Uint8Array(max + 1)], 'site-video.mp4', { type: 'video/mp4' }))
    document.querySelector('[data-testid=attachments]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
  }, usage.maxFile)
  const refusal = box.locator('[data-testid=upload] [role=alert]')
  await refusal.waitFor()
  const said = await refusal.innerText()
  assert(said === `site-video.mp4 is larger than the team's limit of ${usage.maxFile >> 20} MB`, `the limit is said in words: ${said}`)
  assert(posted === 0, `nothing was sent for the file over the limit, saw ${posted} uploads`)
  await box.getByRole('button', { name: 'Dismiss' }).click()

  // Removing asks first; cancelling keeps the file.
  await htmlRow.getByRole('button', { name: 'Remove invoice.html' }).click()
  const confirm = page.getByRole('dialog', { name: 'Remove attachment' })
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await htmlRow.waitFor()
  await htmlRow.getByRole('button', { name: 'Remove invoice.html' }).click()
  await confirm.getByRole('button', { name: 'Remove' }).click()
  await htmlRow.waitFor({ state: 'detached' })
  const after = await api('AttachmentService/List', ['ticket', tk.id])
  assert(!after.some((a) => a.name === 'invoice.html') && after.length === 2, `the HTML file is removed: ${after.map((a) => a.name)}`)

  // An attachment added elsewhere (here: the API, as another window or the CLI would) appears live.
  const r = await fetch(`${origin}/api/attachments/ticket/${tk.id}?name=${encodeURIComponent('spooler.log')}`, {
    method: 'POST',
    headers: auth,
    body: 'spooler: job 42 failed\n'.repeat(100),
  })
  assert(r.ok, `upload over the API: ${r.status}`)
  await box.locator('.files [data-name="spooler.log"]').waitFor()

  // The SOP page takes a pasted screenshot too; the visit page lists its files.
  const sop = await api('KBService/Create', [{ title: 'Clear a stuck print spooler', body: 'Stop the spooler, clear the queue folder, start it again.', category: 'printing', tags: [], owner: 'ana', reviewBy: '' }])
  await page.goto(`${origin}/#/kb/${sop.id}`)
  const sopBox = page.locator('[data-testid=sop-article] [data-testid=attachments]')
  await sopBox.getByText('No files yet').waitFor()
  await pasteImage(page)
  await sopBox.locator('.gallery img').waitFor()
  assert((await api('AttachmentService/List', ['sop', sop.id])).length === 1, 'the SOP holds the screenshot')
  const tech = await api('TechnicianService/Create', [{ name: 'Ana Costa', tier: 2, onSite: true }])
  const day = new Date(Date.now() + 86400_000).toISOString().slice(0, 10)
  const visit = await api('VisitService/Create', [{ ticketId: tk.id, technician: tech.id, start: `${day}T09:00`, end: `${day}T10:00` }])
  await fetch(`${origin}/api/attachments/visit/${visit.id}?name=rack-photo.jpg`, { method: 'POST', headers: auth, body: 'not really a photo' })
  await page.goto(`${origin}/#/visits/visit/${visit.id}`)
  await page.locator('[data-testid=visit-detail] [data-testid=attachments] .files [data-name="rack-photo.jpg"]').waitFor()
  assert(errors.length === 0, `no page errors: ${errors.join('\n')}`)
}
