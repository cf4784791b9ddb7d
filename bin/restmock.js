#!/usr/bin/env node
// Runs the compiled CLI from dist/ (built by `npm run build`, and by npm before packing or publishing).
const entry = new URL('../dist/cli/main.js', import.meta.url)
let cli
try {
  cli = await import(entry.href)
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || error.url !== entry.href) throw error
  console.error('restmock: the compiled CLI (dist/) is missing; run `npm run build` first')
  process.exit(1)
}
const code = await cli.main(process.argv.slice(2))
if (typeof code === 'number') process.exitCode = code
