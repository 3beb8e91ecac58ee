// Runs every e2e/*.test.mjs in turn, each with a time limit; every process or browser a test starts is
// registered with ctx.own() and stopped when the test ends, pass or fail.
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const only = process.argv[2]
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs') && (!only || f.includes(only)))
  .sort()
const LIMIT_MS = Number(process.env.E2E_TEST_TIMEOUT_MS ?? 90_000)

let failed = 0
const started = Date.now()
for (const f of files) {
  const mod = await import(pathToFileURL(join(here, f)).href)
  const owned = []
  const ctx = {
    own(x) {
      owned.push(x)
      return x
    },
  }
  const t0 = Date.now()
  let timer
  try {
    await Promise.race([
      mod.default(ctx),
      new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`timed out after ${LIMIT_MS} ms`)), LIMIT_MS))),
    ])
    console.log(`ok   ${f} (${Date.now() - t0} ms)`)
  } catch (e) {
    failed++
    console.log(`FAIL ${f} (${Date.now() - t0} ms)\n${e?.stack ?? e}`)
    for (const x of owned) if (x.log) console.log(`--- log of ${x.dir}:\n${x.log()}`)
  } finally {
    clearTimeout(timer)
    for (const x of owned.reverse()) {
      try {
        if (x.close) await x.close()
        if (x.stop) await x.stop()
        if (x.cleanup) x.cleanup()
      } catch (e) {
        console.log(`cleanup: ${e}`)
      }
    }
  }
}
console.log(`${files.length - failed}/${files.length} e2e tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
process.exit(failed ? 1 : 0)
