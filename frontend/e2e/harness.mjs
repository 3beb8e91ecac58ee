// Helpers for the browser tests: start `outpost serve` on a temporary data directory, launch Debian's
// chromium through playwright-core (no browser downloads), and stop everything afterwards.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

export const BIN = resolve(process.env.OUTPOST_BIN ?? '../build/bin/outpost-headless')
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

export function tempDir(prefix = 'outpost-e2e-') {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => ok(port))
    })
  })
}

// outpost runs a one-shot CLI command (team create, invite, join) and returns its stdout.
export function outpost(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 30_000 })
  if (r.status !== 0) throw new Error(`outpost ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`)
  return r.stdout
}

// serve starts `outpost serve` and resolves with {url, proc, stop} once it prints its link.
export async function serve({ data, extra = [] } = {}) {
  const port = await freePort()
  const dir = data ?? tempDir()
  const proc = spawn(BIN, ['serve', '--data', dir, '--listen', `127.0.0.1:${port}`, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  proc.stderr.on('data', (b) => (log += b))
  const url = await new Promise((ok, fail) => {
    const limit = Number(process.env.SERVE_TIMEOUT_MS ?? 20_000)
    const timer = setTimeout(() => fail(new Error(`outpost serve printed no link in ${limit} ms:\n${log}`)), limit)
    let out = ''
    proc.stdout.on('data', (b) => {
      out += b
      const m = out.match(/(http:\/\/\S+\?token=\w+)/)
      if (m) {
        clearTimeout(timer)
        ok(m[1])
      }
    })
    proc.on('error', (e) => {
      clearTimeout(timer)
      fail(new Error(`cannot start ${BIN}: ${e.message}`))
    })
    proc.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`outpost serve exited (${code}):\n${log}`))
    })
  })
  const stop = () =>
    new Promise((ok) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return ok()
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000)
      proc.once('exit', () => {
        clearTimeout(kill)
        ok()
      })
      proc.kill('SIGTERM')
    })
  return { url, proc, dir, stop, log: () => log, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function browser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`)
}

// pasteImage draws a picture and pastes it as the clipboard would bring a screenshot, on the element
// target selects (the page's body without one).
export function pasteImage(page, target) {
  return page.evaluate(async (target) => {
    const c = document.createElement('canvas')
    c.width = 400
    c.height = 300
    const g = c.getContext('2d')
    g.fillStyle = '#2f6fde'
    g.fillRect(0, 0, 400, 300)
    g.fillStyle = '#fff'
    g.font = '40px sans-serif'
    g.fillText('Error 0x0000011b', 20, 160)
    const blob = await new Promise((ok) => c.toBlob(ok, 'image/png'))
    const dt = new DataTransfer()
    dt.items.add(new File([blob], 'image.png', { type: 'image/png' }))
    const on = target ? document.querySelector(target) : document.body
    on.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
  }, target)
}

// api calls a bound method over the HTTP API of a served replica (its printed link carries the token).
export async function api(url, method, ...args) {
  const u = new URL(url)
  const res = await fetch(`${u.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${u.searchParams.get('token')}` },
    body: JSON.stringify(args),
  })
  return { status: res.status, body: await res.json() }
}

// call is api for a served peer: it resolves with the method's result and throws on a refusal.
export async function call(peer, method, ...args) {
  const { status, body } = await api(peer.url, method, ...args)
  if (status !== 200) throw new Error(`${method}: ${JSON.stringify(body)}`)
  return body
}

// gossipFlags are the flags of a peer gossiping on one loopback port with the fast local timers.
export const gossipFlags = (port) => ['--gossip-bind', '127.0.0.1', '--gossip-port', String(port), '--gossip-preset', 'local']

// twoPeers makes a team on Ana's device, joins Ben's with its invite and serves both (owned by ctx).
// serveB starts Ben's device again (after a.stop or b.stop), with more flags or without gossip.
export async function twoPeers(ctx, team = 'E2E Desk') {
  const [dirA, dirB] = [tempDir('outpost-e2e-a-'), tempDir('outpost-e2e-b-')]
  const [portA, portB] = [await freePort(), await freePort()]
  outpost(['team', 'create', team, '--data', dirA])
  outpost(['team', 'join', outpost(['team', 'invite', '--data', dirA, ...gossipFlags(portA)]).trim(), '--data', dirB])
  const a = ctx.own(await serve({ data: dirA, extra: ['--name', 'ana', ...gossipFlags(portA)] }))
  const serveB = async (extra = gossipFlags(portB)) => ctx.own(await serve({ data: dirB, extra: ['--name', 'ben', ...extra] }))
  return { a, b: await serveB(), dirA, dirB, serveB }
}

export const MAILSERVER = resolve(process.env.MAILSERVER_BIN ?? '../build/bin/mailserver')

// mailServer starts backend/mail/mailtest/mailserver (a real dovecot and SMTP server) and resolves with
// what it announces ({imap, imaps, smtp, users, caFile, team, ...}), deliver(path) to put a mail file
// into the team mailbox over SMTP, and stop.
export async function mailServer(args = []) {
  const proc = spawn(MAILSERVER, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let log = ''
  proc.stderr.on('data', (b) => (log += b))
  const lines = []
  const waiting = []
  let buf = ''
  proc.stdout.on('data', (b) => {
    buf += b
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, i))
      buf = buf.slice(i + 1)
      const w = waiting.shift()
      if (w) w(line)
      else lines.push(line)
    }
  })
  const next = () =>
    new Promise((ok, fail) => {
      if (lines.length) return ok(lines.shift())
      const timer = setTimeout(() => fail(new Error(`mailserver said nothing in 30 s:\n${log}`)), 30_000)
      waiting.push((l) => (clearTimeout(timer), ok(l)))
    })
  const exited = new Promise((_, fail) => proc.on('exit', (code) => fail(new Error(`mailserver exited (${code}):\n${log}`))))
  exited.catch(() => {})
  const info = await Promise.race([next(), exited])
  const deliver = async (path) => {
    proc.stdin.write(path + '\n')
    const r = await next()
    if (!r.delivered) throw new Error(`deliver ${path}: ${r.error}`)
  }
  const stop = () =>
    new Promise((ok) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return ok()
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000)
      proc.once('exit', () => (clearTimeout(kill), ok()))
      proc.stdin.end()
    })
  return { ...info, deliver, stop, log: () => log, dir: 'mailserver' }
}
