#!/usr/bin/env node
// Runs the compiled CLI from dist/ (built by `npm install` / `npm run build`) when it is up to date with
// src/; otherwise compiles src/ on the fly with tsx, so an edited checkout never runs stale code.
import { readdirSync, statSync } from 'node:fs'

const root = new URL('..', import.meta.url)

function newestSource(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}

function compiledIsCurrent() {
  const built = statSync(new URL('dist/.built', root), { throwIfNoEntry: false })
  return built !== undefined && built.mtimeMs >= newestSource(new URL('src/', root))
}

let main
if (compiledIsCurrent()) {
  ;({ main } = await import('../dist/cli/index.js'))
} else {
  const { register } = await import('tsx/esm/api')
  // tsconfig: false keeps the user's working-directory tsconfig.json from changing how restmock compiles.
  register({ tsconfig: false })
  ;({ main } = await import('../src/cli/index.ts'))
}
const code = await main(process.argv.slice(2))
if (typeof code === 'number') process.exitCode = code
