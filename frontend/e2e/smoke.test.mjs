// The served UI loads in a browser with the token from the printed link.
import { assert, browser, serve } from './harness.mjs'

export default async function smoke(ctx) {
  const peer = ctx.own(await serve({ extra: ['--no-sync'] }))
  const b = ctx.own(await browser())
  const page = await b.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(peer.url)
  await page.waitForSelector('#app *', { timeout: 10_000 })
  assert((await page.title()) === 'Outpost', 'page title is Outpost')
  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
