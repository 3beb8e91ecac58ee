// The knowledge base in a real browser: an SOP whose markdown carries XSS payloads renders with nothing
// executable; search marks the matched words; an edit shows in the live preview and saves a revision;
// two saves over the same revision fork the SOP and the merge offer closes the fork; an old revision is
// restored from the diff view; the ticket page suggests the SOP, links it as "resolved with this" and
// inserts its canned response into the comment; the Search screen finds the ticket, quotes the SOP as
// prose, and lets Escape go back to the shortcuts.
import { assert, browser, serve } from './harness.mjs'

const BODY = `## Symptoms
The VPN client drops every hour.

## Fix
1. Set the IKE phase 2 lifetime to 3600 s on both ends.

<img src=x onerror="window.__xss=1"> <svg onload="window.__xss=2"></svg> <script>window.__xss=3</script>
[vendor](https://vendor.example/kb) [bad](javascript:window.__xss=4) <a href="JaVaScRiPt:window.__xss=5">x</a>
<iframe src="javascript:window.__xss=6"></iframe> <div style="background:url(javascript:window.__xss=7)">s</div>

\`\`\`snippet Reply: VPN fixed
Hello, the VPN should stay connected now.
\`\`\`
`

export default async function knowledgeBase(ctx) {
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
  const tk = await api('TicketService/Create', [{ title: 'VPN drops every hour for the sales team', description: 'IKE rekey fails, client reconnects', category: 'network' }])
  const sop = await api('KBService/Create', [{ title: 'Troubleshoot VPN rekey drops', body: BODY, category: 'network', tags: ['vpn'], owner: 'ana', reviewBy: '2020-01-01' }])

  const page = await b.newPage({ viewport: { width: 1280, height: 800 } })
  page.setDefaultTimeout(10_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('dialog', (d) => (errors.push(`dialog: ${d.message()}`), d.dismiss()))
  await page.goto(peer.url)
  // The replica already holds tickets, so the app opens on its screens, not the welcome card.
  await page.waitForSelector('nav[aria-label=Main]')

  // Search marks the matched words; the article renders without anything executable.
  await page.goto(`${origin}/#/kb`)
  await page.fill('input[aria-label="Search SOPs"]', 'rekey lifetime')
  await page.locator('[data-testid=sop-list] mark', { hasText: 'rekey' }).first().waitFor()
  await page.locator('[data-testid=sop-list] a', { hasText: 'Troubleshoot VPN rekey drops' }).click()
  await page.locator('[data-testid=sop-article] .md h2', { hasText: 'Symptoms' }).waitFor()
  await page.locator('[data-testid=stale-flag]').waitFor()
  const unsafe = await page.evaluate(() => {
    const out = []
    for (const el of document.querySelectorAll('.md *')) {
      const tag = el.tagName.toLowerCase()
      if (['script', 'iframe', 'svg', 'object', 'embed', 'style'].includes(tag)) out.push(tag)
      for (const a of el.attributes) {
        if (a.name.startsWith('on') || a.name === 'style') out.push(`${tag}[${a.name}]`)
        if (['href', 'src'].includes(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)) out.push(`${tag}[${a.name}=${a.value}]`)
      }
    }
    return { out, xss: window.__xss ?? null, vendor: document.querySelector('.md a[href="https://vendor.example/kb"]')?.getAttribute('rel') }
  })
  assert(unsafe.out.length === 0 && unsafe.xss === null, `executable content survived: ${JSON.stringify(unsafe)}`)
  assert(unsafe.vendor === 'noopener noreferrer', `external link without noopener: ${unsafe.vendor}`)

  // Edit: the preview follows the text; saving adds a revision.
  await page.keyboard.press('e')
  await page.locator('[data-testid=sop-editor]').waitFor()
  await page.fill('#sop-body', '## Fix\n\nRaise the lifetime to **28800 s**.\n')
  await page.locator('[data-testid=sop-preview] strong', { hasText: '28800 s' }).waitFor()
  await page.fill('#sop-note', 'longer lifetime')
  await page.getByRole('button', { name: 'Save revision' }).click()
  await page.locator('[data-testid=sop-article] strong', { hasText: '28800 s' }).waitFor()
  let got = await api('KBService/Get', [sop.id])
  assert(got.revisions === 2 && !got.forked, `after one save: ${got.revisions} revisions, forked ${got.forked}`)

  // Two saves over the same revision (two offline devices) fork it; the merge offer closes the fork.
  const base = got.current
  await api('KBService/Save', [sop.id, '## Fix\n\nLifetime 28800 s.\n', got.title, [base], 'device A'])
  await api('KBService/Save', [sop.id, '## Fix\n\nLifetime 28800 s on both ends.\n', got.title, [base], 'device B'])
  await page.reload()
  await page.locator('[data-testid=sop-fork]').waitFor()
  await page.getByRole('button', { name: 'Merge into one' }).click()
  await page.locator('[data-testid=sop-editor]').getByText('Merging 2 versions').waitFor()
  await page.fill('#sop-body', '## Fix\n\nLifetime 28800 s on both ends (merged).\n')
  await page.getByRole('button', { name: 'Save merged version' }).click()
  await page.locator('[data-testid=sop-article]').getByText('(merged)').waitFor()
  assert((await page.locator('[data-testid=sop-fork]').count()) === 0, 'the fork banner stays after the merge')
  got = await api('KBService/Get', [sop.id])
  assert(!got.forked && got.heads.length === 1 && got.revisions === 5, `after merge: ${JSON.stringify(got.heads)} ${got.revisions}`)

  // Revisions: the diff shows the change; restoring the first revision brings its text back.
  await page.keyboard.press('h')
  await page.locator('[data-testid=diff]').waitFor()
  await page.locator('[data-testid=sop-history] tr', { hasText: 'Created' }).getByRole('button', { name: 'Restore' }).click()
  await page.locator('[data-testid=sop-article] .md h2', { hasText: 'Symptoms' }).waitFor()
  got = await api('KBService/Get', [sop.id])
  assert(got.body === BODY && got.revisions === 6, 'restore brought the first text back as a new revision')

  // The ticket page suggests the SOP, links it, and inserts its canned response.
  await page.goto(`${origin}/#/ticket/${tk.id}`)
  const item = page.locator('[data-testid=suggested-sops] > ul > li', { hasText: 'Troubleshoot VPN rekey drops' })
  await item.getByRole('button', { name: 'Resolved with this' }).click()
  await item.getByRole('button', { name: '✓ Resolved with this' }).waitFor()
  assert((await api('KBService/Get', [sop.id])).resolved === 1, 'the link is stored on the SOP')
  await item.getByText('Canned responses').click()
  await item.getByRole('button', { name: 'Insert into comment' }).click()
  const comment = await page.inputValue('#comment-body')
  assert(comment === 'Hello, the VPN should stay connected now.', `comment holds ${JSON.stringify(comment)}`)

  // The Search screen finds the ticket by a word of its description, marked.
  await page.goto(`${origin}/#/search/reconnects`)
  await page.locator('[data-testid=search-results] a', { hasText: 'VPN drops every hour for the sales team' }).waitFor()
  await page.locator('[data-testid=search-results] mark', { hasText: 'reconnects' }).first().waitFor()

  // An SOP's excerpt reads as prose: the words of its markdown, without the markup.
  await page.fill('input[aria-label="Search tickets and SOPs"]', 'symptoms')
  const hit = page.locator('[data-testid=search-results] li', { hasText: 'Troubleshoot VPN rekey drops' })
  await hit.locator('mark', { hasText: 'Symptoms' }).first().waitFor()
  const excerpt = await hit.textContent()
  assert(!excerpt.includes('##') && !excerpt.includes('](') && !excerpt.includes('<img'), `excerpt shows markup: ${excerpt}`)
  // Escape clears the words, a second leaves the field: shortcuts work again.
  await page.press('input[aria-label="Search tickets and SOPs"]', 'Escape')
  assert((await page.inputValue('input[aria-label="Search tickets and SOPs"]')) === '', 'Escape left the words')
  await page.press('input[aria-label="Search tickets and SOPs"]', 'Escape')
  await page.keyboard.press('g')
  await page.keyboard.press('q')
  await page.waitForURL(/#\/queue/)

  const xss = await page.evaluate(() => window.__xss ?? null)
  assert(xss === null && errors.length === 0, `page errors or script ran: ${JSON.stringify({ errors, xss })}`)
}
