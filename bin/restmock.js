#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx's ESM loader compiles src/ on the fly (no build step).
import { register } from 'tsx/esm/api'

// tsconfig: false keeps the user's working-directory tsconfig.json from changing how restmock compiles.
register({ tsconfig: false })

const { main } = await import('../src/cli/index.ts')
const code = await main(process.argv.slice(2))
if (typeof code === 'number') process.exitCode = code
