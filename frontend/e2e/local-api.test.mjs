// The local API as a boundary, in a real browser: opening the printed link turns its token into an
// HttpOnly cookie and drops it from the address bar, so no script and no bookmark holds it; the page
// works on the cookie alone; exports and backups arrive as downloads, and the API refuses to write
// files at a path a caller names.
import { readFileSync } from 'node:fs'
import { assert, browser, serve } from './harness.mjs'

export default async function localAPI(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana'] }))
  const b = ctx.own(await browser())
  const origin = new URL(peer.url).origin
  const token = new URL(peer.url).searchParams.get('token')
  const post = (path, args, headers = { Authorization: `Bearer ${token}` }) =>
    fetch(`${origin}/api/${path}`, { method: 'POST', headers, body: JSON.stringify(args) })
  const created = await post('TicketService/Create', [{ title: '=yyqq', description: "x'\ntouch /tmp/pwned #" }])
  assert(created.ok, 'a ticket is created with the bearer token')

  const page = await b.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  page.setDefaultTimeout(15_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(peer.url)
  await page.waitForSelector('nav[aria-label=Main]')
  assert(!page.url().includes('token'), `the address bar keeps no token: ${page.url()}`)
  const seen = await page.evaluate(() => ({ cookie: document.cookie, stored: JSON.stringify({ ...sessionStorage, ...localStorage }) }))
  assert(!seen.cookie.includes(token) && !seen.stored.includes(token), `no script can read the token: ${JSON.stringify(seen)}`)
  const cookies = await page.context().cookies()
  const c = cookies.find((k) => k.value === token)
  assert(c && c.httpOnly && c.sameSite === 'Strict', `the token travels in an HttpOnly SameSite=Strict cookie: ${JSON.stringify(cookies)}`)

  // The page's own calls work on the cookie; the queue shows the ticket.
  await page.getByText('=yyqq').first().waitFor()

  // Export and backup are downloads.
  await page.keyboard.press('g')
  await page.keyboard.press('d')
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
  const text = readFileSync(await csv.path(), 'utf8')
  assert(text.startsWith('Number,Title,') && text.includes("'=yyqq"), `the CSV downloads with the formula kept as text: ${text.slice(0, 200)}`)
  const [bk] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download backup' }).click()])
  assert(readFileSync(await bk.path()).subarray(0, 15).toString() === 'OUTPOST-BACKUP\n', 'the backup downloads')

  // Writing at a caller's path is refused in words, with the token or without.
  const r = await post('DataService/ExportTicketsFile', ['~/.bashrc', { text: 'yyqq', includeClosed: true }])
  const body = await r.json()
  assert(r.status === 403 && /desktop window/.test(body.error), `ExportTicketsFile over HTTP: ${r.status} ${JSON.stringify(body)}`)
  const q = await fetch(`${origin}/api/TicketService/Queue?token=${token}`, { method: 'POST', body: '[{}]' })
  assert(q.status === 401, `a token in the query string of an API call is refused: ${q.status}`)
  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
