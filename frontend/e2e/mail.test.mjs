// The email channel in the browser, against a real mailbox (dovecot and an SMTP server started by
// backend/mail/mailtest/mailserver): the mailbox is set up in Settings, Mail, where "Test connection"
// says in words what is wrong with a wrong password and with a server that is not there, then works;
// a mail delivered to the mailbox appears in the open queue without a reload, marked as mail; its
// ticket shows the thread, whose formatted view of an HTML mail carrying a script, an onerror image
// and a javascript: link fires no dialog and runs nothing; a reply sent from the ticket shows as sent.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assert, browser, mailServer, serve, tempDir } from './harness.mjs'

const HTML = `<p>The <b>printer</b> on floor 2 shows <i>Error 0x11b</i>.</p>
<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">details</a>`

function mailFile(dir, to) {
  const raw = [
    'From: Mia Lange <mia@customer.test>',
    `To: IT help <${to}>`,
    'Subject: Printer on floor 2 shows an error',
    'Message-ID: <printer-1@customer.test>',
    'Date: Mon, 05 Jan 2026 09:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The printer on floor 2 shows Error 0x11b.',
    '',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    HTML,
    '--alt--',
    '--mix',
    'Content-Type: text/plain; name="printer-log.txt"',
    'Content-Disposition: attachment; filename="printer-log.txt"',
    '',
    'job 4711 failed',
    '--mix--',
    '',
  ].join('\r\n')
  const path = join(dir, 'printer.eml')
  writeFileSync(path, raw)
  return path
}

const hostPort = (addr) => {
  const i = addr.lastIndexOf(':')
  return [addr.slice(0, i), addr.slice(i + 1)]
}

// shot saves a tall screenshot into $E2E_SHOTS, when set, to look at the screens.
async function shot(page, name) {
  if (!process.env.E2E_SHOTS) return
  const size = page.viewportSize()
  await page.setViewportSize({ width: size.width, height: 2200 })
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(process.env.E2E_SHOTS, name) })
  await page.setViewportSize(size)
}

export default async function mailChannel(ctx) {
  const ms = ctx.own(await mailServer(['-user', 'help:secret']))
  const peer = ctx.own(await serve({ extra: ['--no-sync', '--name', 'ana', '--mail-ca', ms.caFile] }))
  const b = ctx.own(await browser())
  const origin = new URL(peer.url).origin
  const page = await b.newPage({ viewport: { width: 1280, height: 900 } })
  page.setDefaultTimeout(15_000)
  const dialogs = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    d.dismiss().catch(() => {})
  })
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  // (init scripts run in every frame; the mail's sandboxed one has no storage)
  await page.addInitScript(() => window === window.top && localStorage.setItem('outpost.firstrun.skipped', '1'))
  await page.goto(peer.url)
  await page.waitForSelector('nav[aria-label=Main]')
  // The dialog watch works: a script's alert on the page is seen.
  await page.evaluate(() => setTimeout(() => alert('control'), 0))
  await page.waitForTimeout(200)
  assert(dialogs.length === 1 && dialogs[0] === 'control', `the control alert is seen, got ${JSON.stringify(dialogs)}`)
  dialogs.length = 0

  // Settings, Mail: a new mailbox, with this device chosen to handle it.
  await page.goto(`${origin}/#/settings`)
  await page.getByRole('link', { name: 'Set up mail' }).click()
  await page.getByText('When no handler device is online, mail waits in the mailbox and nothing is lost').waitFor()
  await page.getByText('OAuth (XOAUTH2) is not supported yet').waitFor()
  const me = page.locator('.handlers label', { hasText: 'ana (this device)' }).locator('input')
  assert(await me.isChecked(), 'this device handles a new mailbox')
  const [imapHost, imapsPort] = hostPort(ms.imaps)
  const [smtpHost, smtpPort] = hostPort(ms.smtp)
  await page.fill('#mb-name', 'IT help')
  await page.fill('#mb-address', ms.team)
  await page.fill('#mb-tag', 'HELP')
  await page.fill('#mb-imapHost', imapHost)
  await page.fill('#mb-imapPort', imapsPort)
  await page.fill('#mb-smtpHost', smtpHost)
  await page.selectOption('#mb-smtpSecurity', 'none')
  await page.fill('#mb-smtpPort', smtpPort)
  await page.fill('#mb-imapUser', 'help')
  await page.fill('#mb-imapPassword', 'wrong')
  const result = page.locator('[data-testid=mail-test-result]')
  const test = page.getByRole('button', { name: 'Test connection' })

  // A wrong password: the server refused the login, in words.
  await test.click()
  await result.filter({ hasText: 'refused the login' }).waitFor()
  // A server that is not there: nothing answers on that port.
  await page.fill('#mb-imapPort', '1')
  await test.click()
  await result.filter({ hasText: 'refused the connection' }).waitFor()
  // A field the backend refuses is named next to it.
  await page.fill('#mb-imapHost', '')
  await test.click()
  await page.locator('[data-field-error="mb-imapHost"]', { hasText: 'is required' }).waitFor()
  // Right at last.
  await page.fill('#mb-imapHost', imapHost)
  await page.fill('#mb-imapPort', imapsPort)
  await page.fill('#mb-imapPassword', 'secret')
  await test.click()
  await result.filter({ hasText: 'Logged in to both servers' }).waitFor()
  await page.getByRole('button', { name: /Add mailbox/ }).click()
  const tab = page.getByRole('tab', { name: /IT help/ })
  await tab.waitFor()
  await tab.locator('[data-testid=mailbox-status]', { hasText: 'Connected' }).waitFor({ timeout: 20_000 })
  await shot(page, 'mail-settings.png')

  // A mail arrives while the queue is open: it shows up without a reload, marked as mail.
  await page.goto(`${origin}/#/queue`)
  await page.getByText('No open tickets').waitFor()
  await ms.deliver(mailFile(tempDir('outpost-mail-'), ms.team))
  const row = page.locator('.row', { hasText: 'Printer on floor 2 shows an error' })
  await row.waitFor({ timeout: 30_000 })
  await row.locator('[data-testid=source-mail]').waitFor()
  assert((await row.getAttribute('data-number')).startsWith('HELP-'), 'a ticket from mail has the mailbox tag')
  await row.click()

  // Its thread on the ticket page: the mail received, with its text, sender and file.
  const thread = page.locator('[data-testid=mail-thread]')
  const mail = thread.locator('[data-testid=mail-in]')
  await mail.waitFor()
  await mail.getByText('Mia Lange <mia@customer.test>').waitFor()
  await mail.getByText('The printer on floor 2 shows Error 0x11b.').waitFor()
  await mail.locator('[data-testid=mail-file]', { hasText: 'printer-log.txt' }).waitFor()

  // The formatted view: sanitised, sandboxed, and no script of the mail runs.
  await mail.getByRole('button', { name: 'Show formatted' }).click()
  const frame = mail.locator('iframe[data-testid=mail-formatted]')
  await frame.waitFor()
  assert((await frame.getAttribute('sandbox')) === '', 'the formatted view is in an iframe with an empty sandbox')
  const doc = (await frame.getAttribute('srcdoc')).toLowerCase()
  for (const bad of ['<script', 'onerror', 'javascript:']) assert(!doc.includes(bad), `the formatted view holds no ${bad}: ${doc}`)
  await page.frameLocator('iframe[data-testid=mail-formatted]').getByText('Error 0x11b').waitFor()
  await page.waitForTimeout(500)
  await shot(page, 'mail-thread.png')
  assert(dialogs.length === 0, `no dialog fires from the mail, got ${JSON.stringify(dialogs)}`)

  // A reply by mail: a public comment on the ticket and a mail that shows as sent.
  await page.fill('#mail-reply-text', 'We are sending someone to floor 2.')
  await page.getByRole('button', { name: 'Send by mail' }).click()
  const sent = thread.locator('[data-testid=mail-out]', { hasText: 'We are sending someone to floor 2.' })
  await sent.waitFor()
  await sent.locator('[data-testid=mail-delivery]', { hasText: /^sent / }).waitFor({ timeout: 30_000 })
  await page.locator('.timeline li.comment', { hasText: 'We are sending someone to floor 2.' }).waitFor()
  // Oldest first, and the acknowledgement after the mail it answers.
  const order = await thread.locator('ol.items > li > article').evaluateAll((as) => as.map((a) => a.dataset.testid))
  assert(order.join(' ') === 'mail-in mail-out mail-out', `thread order: ${order}`)
  assert(dialogs.length === 0, `no dialog fired, got ${JSON.stringify(dialogs)}`)
  assert(errors.length === 0, `no page errors: ${errors.join('; ')}`)
}
