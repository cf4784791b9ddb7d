import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * The layering in docs/architecture.md is enforced by Biome (`noRestrictedImports` and
 * `noRestrictedGlobals` in the `overrides` of biome.json, run by `biome check .`). These tests prove
 * the configuration still catches every kind of violation, by linting a throwaway tree that commits
 * each one, and cover the two evasions a lint rule on import specifiers cannot see.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIOME = path.join(ROOT, 'node_modules/@biomejs/biome/bin/biome')

interface Finding {
  file: string
  line: number
  rule: string
  message: string
}

function lintBoundaries(cwd: string, target: string): Finding[] {
  const run = spawnSync(
    process.execPath,
    [
      BIOME,
      'lint',
      '--vcs-enabled=false',
      '--only=style/noRestrictedImports',
      '--only=style/noRestrictedGlobals',
      '--max-diagnostics=none',
      '--reporter=json',
      target,
    ],
    { cwd, encoding: 'utf8' },
  )
  const report = JSON.parse(run.stdout) as {
    diagnostics: Array<{
      category: string
      message: string
      location: { path: string; start: { line: number } }
    }>
  }
  return report.diagnostics
    .map((d) => ({
      file: d.location.path.replaceAll('\\', '/'),
      line: d.location.start.line,
      rule: d.category.replace('lint/style/', ''),
      message: d.message,
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
}

const sandbox = mkdtempSync(path.join(tmpdir(), 'restmock-boundaries-'))
after(() => rmSync(sandbox, { recursive: true, force: true }))

/** Writes a module under the sandbox's src/, ending in an export so it is a module. */
function write(relative: string, lines: string[]): void {
  const file = path.join(sandbox, 'src', relative)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${lines.join('\n')}\nexport const used = [${lines.length}]\n`)
}

describe('biome.json import boundaries', () => {
  copyFileSync(path.join(ROOT, 'biome.json'), path.join(sandbox, 'biome.json'))
  write('core/engine.ts', [
    "import { Hono } from 'hono'", // 1
    "import type { Context } from 'hono/tiny'", // 2
    "import { serve } from '@hono/node-server'", // 3
    "import yargs from 'yargs'", // 4
    "import { JSONFile } from 'lowdb/node'", // 5
    "import { readFile } from 'node:fs/promises'", // 6
    "const fs = await import('fs')", // 7
    "export { app } from '../http/app.ts'", // 8
    "import { startMock } from '../server/start-mock.ts'", // 9
    "import { main } from '../cli/main.ts'", // 10
    "import { argv } from 'node:process'", // 11
    "import { createRandom } from './random.ts'", // 12 allowed
    "import { Low } from 'lowdb'", // 13 allowed in core (pure in-memory)
    'const port = process.env.PORT', // 14
    'const kind = typeof process', // 15
    'const queue = { process: 1 }', // 16 allowed: a key, not the global
    'console.log(Hono, serve, yargs, JSONFile, readFile, fs, startMock, main, argv, createRandom, Low, port, kind, queue)',
    'export type C = Context',
  ])
  write('core/simulation/nested.ts', [
    "import { problem } from '../../http/problem.ts'", // 1
    "export * from '../../server/options.ts'", // 2
    "import { policy } from '../simulation/policy.ts'", // 3 allowed
    'console.log(problem, policy)',
  ])
  write('http/app.ts', [
    "import { Hono } from 'hono'", // 1 allowed
    "import { createEngine } from '../core/engine.ts'", // 2 allowed
    "import yargs from 'yargs/yargs'", // 3
    "import { Low } from 'lowdb'", // 4
    "import fs from 'node:fs'", // 5
    "import { startMock } from '../server/start-mock.ts'", // 6
    "export * from '../cli/output.ts'", // 7
    'const port = process.env.PORT', // 8 allowed outside core
    'console.log(Hono, createEngine, yargs, Low, fs, startMock, port)',
  ])
  write('library/mock-handles.ts', [
    "import { readFileSync } from 'node:fs'", // 1
    "import { startMock } from '../server/start-mock.ts'", // 2 allowed
    'console.log(readFileSync, startMock)',
  ])
  write('index.ts', ["export * from 'fs/promises'"])
  write('server/load-source.ts', ["import { readFile } from 'node:fs/promises'", 'console.log(readFile)'])
  write('cli/main.ts', [
    "import yargs from 'yargs'",
    "import { readFileSync } from 'node:fs'",
    'console.log(yargs, readFileSync)',
  ])

  const findings = lintBoundaries(sandbox, 'src')
  const lines = (file: string): number[] => findings.filter((f) => f.file === file).map((f) => f.line)

  test('core may not import hono, yargs, lowdb/node, fs, process or the layers above it', () => {
    assert.deepEqual(lines('src/core/engine.ts'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15])
    assert.deepEqual(lines('src/core/simulation/nested.ts'), [1, 2])
    const global = findings.find((f) => f.file === 'src/core/engine.ts' && f.line === 14)
    assert.equal(global?.rule, 'noRestrictedGlobals')
    assert.match(global?.message ?? '', /process/)
  })

  test('http may not import yargs, lowdb, fs, server or cli; hono and core are fine', () => {
    assert.deepEqual(lines('src/http/app.ts'), [3, 4, 5, 6, 7])
  })

  test('only server and cli touch the file system', () => {
    assert.deepEqual(lines('src/library/mock-handles.ts'), [1])
    assert.deepEqual(lines('src/index.ts'), [1])
    assert.deepEqual(lines('src/server/load-source.ts'), [])
    assert.deepEqual(lines('src/cli/main.ts'), [])
  })

  test('every violation is an error, so `biome check .` fails on it', () => {
    const run = spawnSync(process.execPath, [BIOME, 'lint', '--vcs-enabled=false', 'src/http/app.ts'], {
      cwd: sandbox,
      encoding: 'utf8',
    })
    assert.notEqual(run.status, 0)
  })
})

describe('the source tree', () => {
  test('respects every import boundary', () => {
    const findings = lintBoundaries(ROOT, 'src')
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}: ${f.message}`),
      [],
    )
  })

  /** What a rule on import specifiers cannot see: `globalThis.process` and `import(someVariable)`. */
  test('core reaches for process and modules only in ways the lint rules can check', () => {
    const core = path.join(ROOT, 'src/core')
    const evasions: string[] = []
    for (const name of readdirSync(core, { recursive: true, encoding: 'utf8' })) {
      if (!name.endsWith('.ts')) continue
      const code = readFileSync(path.join(core, name), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
        .replace(/\/\/[^\n]*/g, '')
      code.split('\n').forEach((line, index) => {
        if (/\bglobalThis\s*\??\.\s*process\b/.test(line) || /\bimport\s*\(\s*[^'"`\s]/.test(line))
          evasions.push(`src/core/${name}:${index + 1}: ${line.trim()}`)
      })
    }
    assert.deepEqual(evasions, [])
  })
})
