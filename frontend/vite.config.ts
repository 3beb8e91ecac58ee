/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

// The Go binary embeds frontend/dist, and a fresh clone needs that directory to exist before the
// first build, so dist/.gitkeep is committed. The build does not empty dist (that would delete the
// placeholder); it removes the previous assets itself and rewrites .gitkeep.
function keepDist(): Plugin {
  const dist = resolve(import.meta.dirname, 'dist')
  return {
    name: 'outpost-keep-dist',
    apply: 'build',
    buildStart() {
      rmSync(resolve(dist, 'assets'), { recursive: true, force: true })
    },
    closeBundle() {
      writeFileSync(resolve(dist, '.gitkeep'), '')
    },
  }
}

export default defineConfig({
  plugins: [svelte(), keepDist()],
  build: { emptyOutDir: false, outDir: 'dist', target: 'es2022' },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
})
