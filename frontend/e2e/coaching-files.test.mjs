// Files on coaching notes, in real browsers against two devices of one team. Ana, a lead, attaches a
// file to a private note about Ben (picked), pastes a screenshot into it and drops a large file on it
// (its progress shows): all are listed, the screenshot with a thumbnail, and the file downloads byte
// for byte. Ben's device receives the note and the files' bytes but may not read the note: his screen
// shows a note shared with him and its file, and never the private file's name; his data directory
// holds no byte of it in the clear. Removing the file asks first and takes it off the note.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { assert, browser, call, pasteImage, tempDir, twoPeers } from './harness.mjs'

const SECRET = 'Quillwort-Basilisk-7731' // in the private file's bytes, never in the clear on Ben's device
const PRIVATE = 'Bo-review-Nightjar-4410.txt'
const SHARED = 'escalation-checklist.txt'

// filesHolding lists the files under dir whose bytes contain any of needles.
function filesHolding(dir, needles) {
  const found = []
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && statSync(p).size < 256 << 20) {
        const b = readFileSync(p)
        for (const n of needles) if (b.includes(Buffer.from(n))) found.push(`${p}: ${n}`)
      }
    }
  }
  walk(dir)
  return found
}

async function until(what, fn, ms = 30_000) {
  const end = Date.now() + ms
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      if (Date.now() > end) throw e
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

export default async function coachingFiles(ctx) {
  const { a, b, dirB } = await twoPeers(ctx)
  const auth = (peer) => ({ Authorization: `Bearer ${new URL(peer.url).searchParams.get('token')}` })

  // Ana (the team's owner) is a lead; Ben is a technician with an identity of his own.
  await call(a, 'IdentityService/SetUp', 'Ana Lead', 'lead', '')
  const ben = await call(a, 'TechnicianService/Create', { name: 'Ben Okafor', tier: 1 })
  await until('Ben’s profile on his device', () => call(b, 'TechnicianService/Get', ben.id))
  await call(b, 'IdentityService/SetUp', 'Ben Okafor', 'technician', ben.id)

  // A private note about Ben, and one shared with him (once his key has reached Ana's device) with a file.
  const priv = await call(a, 'CoachingService/AddNote', ben.id, { title: 'Private review', body: 'Quiet on escalations; check in again in two weeks.' }, false)
  const shared = await until('Ben’s key on Ana’s device', () =>
    call(a, 'CoachingService/AddNote', ben.id, { title: 'Escalations', body: 'Collect the logs before escalating.' }, true),
  )
  const up = await fetch(`${new URL(a.url).origin}/api/attachments/coaching/${shared.id}?name=${SHARED}`, {
    method: 'POST',
    headers: auth(a),
    body: 'Before escalating: logs, screenshots, steps tried.\n',
  })
  assert(up.ok, `upload to the shared note: ${up.status}`)

  const chromium = ctx.own(await browser())
  const page = await chromium.newPage({ viewport: { width: 1280, height: 860 }, acceptDownloads: true })
  page.setDefaultTimeout(15_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(a.url)
  await page.waitForSelector('#app *')
  await page.evaluate((id) => (window.location.hash = `#/coaching/${id}`), ben.id)
  const note = page.locator(`[data-item="${priv.id}"]`)
  const zone = note.locator('[data-testid=attachments]')
  await zone.waitFor()
  assert((await zone.innerText()).includes('No files yet'), 'an empty note says how to add files')

  // A file picked for the private note is listed with its size; a screenshot pasted into the zone gets a thumbnail.
  const body = Buffer.concat([Buffer.from(`${SECRET}\n`.repeat(2000)), Buffer.from([0, 1, 2, 254, 255])])
  await zone.locator('input[type=file]').setInputFiles([{ name: PRIVATE, mimeType: 'text/plain', buffer: body }])
  const row = note.locator(`[data-testid=coaching-file][data-name="${PRIVATE}"]`)
  await row.waitFor()
  await zone.click({ position: { x: 200, y: 10 } })
  await pasteImage(page, `[data-item="${priv.id}"] [data-testid=attachments]`)
  const shot = note.locator('[data-testid=coaching-file][data-name^="Screenshot "]')
  await shot.waitFor()
  // A file dropped on the zone is added too; a large one shows its progress while it is sent (uploads slowed to 2 MB/s).
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 << 20 })
  await page.evaluate((id) => {
    const dt = new DataTransfer()
    dt.items.add(new File([new Uint8Array(6 << 20).fill(7)], 'whiteboard-export.bin', { type: 'application/octet-stream' }))
    const zone = document.querySelector(`[data-item="${id}"] [data-testid=attachments]`)
    for (const type of ['dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }))
  }, priv.id)
  const bar = note.getByRole('progressbar', { name: 'Uploading whiteboard-export.bin' })
  await bar.waitFor()
  await page.waitForFunction((el) => Number(el.getAttribute('aria-valuenow')) > 0, await bar.elementHandle())
  await note.locator('[data-testid=coaching-file][data-name="whiteboard-export.bin"]').waitFor({ timeout: 30_000 })
  await bar.waitFor({ state: 'detached' })
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })

  const img = shot.locator('img')
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle())
  assert((await row.locator('img').count()) === 0, 'a text file shows an icon, not an image')
  assert((await row.innerText()).includes('TXT'), `the text file's icon names its type: ${await row.innerText()}`)
  assert((await note.locator('[data-testid=attachments] .count').innerText()) === '3', 'the zone counts three files')

  // The download is the file, byte for byte.
  const [dl] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: `Download ${PRIVATE}` }).click()])
  assert(dl.suggestedFilename() === PRIVATE, `downloaded as ${dl.suggestedFilename()}`)
  const saved = join(tempDir('outpost-coachfiles-'), PRIVATE)
  await dl.saveAs(saved)
  assert(readFileSync(saved).equals(body), 'the downloaded file is the uploaded bytes')

  await page.screenshot({ path: '/tmp/coachfiles.png', fullPage: false })

  // Ben's device receives the notes and every file's bytes (as ciphertext): they could be passed on.
  const wanted = async () => {
    const u = await call(b, 'AttachmentService/Usage')
    const v = await call(b, 'CoachingService/SharedWithMe')
    return u.arriving === 0 && u.files >= 4 && v.notes.some((n) => n.files?.length === 1)
  }
  await until('the notes and their files on Ben’s device', wanted)
  const pageB = await chromium.newPage({ viewport: { width: 1280, height: 800 } })
  pageB.on('pageerror', (e) => errors.push(String(e)))
  await pageB.goto(b.url)
  await pageB.waitForSelector('#app *')
  await pageB.evaluate(() => (window.location.hash = '#/coaching'))
  await pageB.locator(`[data-testid=coaching-file][data-name="${SHARED}"]`).waitFor()
  await pageB.screenshot({ path: '/tmp/coachfiles-peer.png' })
  const seen = await pageB.locator('body').innerText()
  assert(!seen.includes(PRIVATE) && !seen.includes('Private review') && !seen.includes('Screenshot '), 'Ben’s screen shows nothing of the private note or its files')
  assert((await pageB.locator('[data-testid=attachments]').count()) === 0, 'Ben cannot add files to a note he did not write')
  const clear = filesHolding(dirB, [SECRET, PRIVATE])
  assert(clear.length === 0, `Ben's data directory holds the private file or its name in the clear: ${clear.join(', ')}`)

  // Removing asks first, then takes the file off the note.
  await row.getByRole('button', { name: `Remove ${PRIVATE}` }).click()
  const confirm = page.getByRole('dialog', { name: 'Remove file' })
  await confirm.getByRole('button', { name: 'Remove' }).click()
  await row.waitFor({ state: 'detached' })
  const after = await call(a, 'CoachingService/Get', priv.id)
  assert(after.files.length === 2 && !after.files.some((f) => f.name === PRIVATE), `the note keeps the other two files: ${JSON.stringify(after.files.map((f) => f.name))}`)

  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
