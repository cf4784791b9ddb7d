import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * Enforces the layering described in docs/architecture.md: core is pure, only server/cli touch files, core and http never
 * reach up into the layers that compose them. Sources are tokenized (comments, strings, template
 * literals and regex literals understood) so the check is not fooled by text that merely looks like
 * an import, and it sees static imports, `export ... from`, `import('...')` and `require('...')`.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const SRC = path.join(ROOT, 'src')

// ---------------------------------------------------------------- tokenizer

type Token =
  | { kind: 'word'; value: string; line: number }
  | { kind: 'punct'; value: string; line: number }
  /** a string literal, or a template literal whose `value` is its text before the first `${` */
  | { kind: 'string'; value: string; line: number; computed: boolean }

const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
])

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  /** open `{` and template `${` in nesting order, so a `}` knows whether it resumes a template */
  const braces: Array<'brace' | 'template'> = []
  let i = 0
  let line = 1

  const regexAllowed = (): boolean => {
    const previous = tokens.at(-1)
    if (previous === undefined) return true
    if (previous.kind === 'word') return REGEX_AFTER_WORDS.has(previous.value)
    if (previous.kind === 'string') return false
    return previous.value !== ')' && previous.value !== ']'
  }

  /** Reads template text from i (just after ` or a closing }) up to ` or ${. */
  const readTemplate = (startLine: number, head: string | undefined): void => {
    let text = ''
    while (i < source.length) {
      const ch = source[i]!
      if (ch === '\\') {
        text += source[i + 1] ?? ''
        i += 2
        continue
      }
      if (ch === '\n') line++
      if (ch === '`') {
        i++
        if (head === undefined) tokens.push({ kind: 'string', value: text, line: startLine, computed: false })
        return
      }
      if (ch === '$' && source[i + 1] === '{') {
        i += 2
        if (head === undefined) tokens.push({ kind: 'string', value: text, line: startLine, computed: true })
        braces.push('template')
        return
      }
      text += ch
      i++
    }
  }

  while (i < source.length) {
    const ch = source[i]!
    const next = source[i + 1]
    if (ch === '\n') {
      line++
      i++
    } else if (/\s/.test(ch)) {
      i++
    } else if (ch === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      const stop = end === -1 ? source.length : end + 2
      for (let j = i; j < stop; j++) if (source[j] === '\n') line++
      i = stop
    } else if (ch === "'" || ch === '"') {
      const startLine = line
      let text = ''
      i++
      while (i < source.length && source[i] !== ch && source[i] !== '\n') {
        if (source[i] === '\\') i++
        text += source[i] ?? ''
        i++
      }
      i++
      tokens.push({ kind: 'string', value: text, line: startLine, computed: false })
    } else if (ch === '`') {
      i++
      readTemplate(line, undefined)
    } else if (ch === '/' && regexAllowed()) {
      let inClass = false
      i++
      while (i < source.length && source[i] !== '\n') {
        const c = source[i]!
        if (c === '\\') i++
        else if (c === '[') inClass = true
        else if (c === ']') inClass = false
        else if (c === '/' && !inClass) break
        i++
      }
      i++
      while (i < source.length && /[a-z]/i.test(source[i]!)) i++
      tokens.push({ kind: 'punct', value: 'regex', line })
    } else if (/[A-Za-z_$]/.test(ch)) {
      const match = /^[\w$]+/.exec(source.slice(i, i + 200))!
      tokens.push({ kind: 'word', value: match[0], line })
      i += match[0].length
    } else if (/[0-9]/.test(ch)) {
      const match = /^[\w.]+/.exec(source.slice(i, i + 100))!
      tokens.push({ kind: 'word', value: match[0], line })
      i += match[0].length
    } else if (ch === '?' && next === '.' && !/[0-9]/.test(source[i + 2] ?? '')) {
      tokens.push({ kind: 'punct', value: '?.', line })
      i += 2
    } else {
      if (ch === '{') braces.push('brace')
      if (ch === '}' && braces.pop() === 'template') {
        i++
        readTemplate(line, '')
        continue
      }
      tokens.push({ kind: 'punct', value: ch, line })
      i++
    }
  }
  return tokens
}

// ---------------------------------------------------------------- imports and `process`

interface ImportRef {
  specifier: string
  line: number
  /** a dynamic import or require whose specifier is not a plain literal: only its static prefix is known */
  computed: boolean
}

interface SourceFacts {
  imports: ImportRef[]
  /** lines where the global `process` is referenced */
  processLines: number[]
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token?.kind === 'punct' && token.value === value
}

function isWord(token: Token | undefined, value: string): boolean {
  return token?.kind === 'word' && token.value === value
}

/** The `from 'x'` that ends an import/export clause starting at `start`, stopping at `;` or `=`. */
function findFrom(tokens: Token[], start: number): Token | undefined {
  let depth = 0
  for (let j = start; j < tokens.length - 1; j++) {
    const token = tokens[j]!
    if (isPunct(token, '{')) depth++
    else if (isPunct(token, '}')) {
      depth--
      if (depth === 0 && !isWord(tokens[j + 1], 'from')) return undefined
    } else if (depth === 0 && (isPunct(token, ';') || isPunct(token, '='))) return undefined
    else if (depth === 0 && isWord(token, 'from') && tokens[j + 1]?.kind === 'string') return tokens[j + 1]
  }
  return undefined
}

function scanSource(source: string): SourceFacts {
  const tokens = tokenize(source)
  const imports: ImportRef[] = []
  const processLines: number[] = []
  const add = (token: Token | undefined, line: number): void => {
    if (token?.kind === 'string') imports.push({ specifier: token.value, line, computed: token.computed })
    else imports.push({ specifier: '', line, computed: true })
  }

  for (let j = 0; j < tokens.length; j++) {
    const token = tokens[j]!
    if (token.kind !== 'word') continue
    const previous = tokens[j - 1]
    const next = tokens[j + 1]
    const isMember = isPunct(previous, '.') || isPunct(previous, '?.')

    if (token.value === 'import' && !isMember) {
      if (isPunct(next, '.')) continue // import.meta
      if (isPunct(next, '(')) add(tokens[j + 2], token.line)
      else if (next?.kind === 'string') add(next, token.line)
      else {
        const from = findFrom(tokens, j + 1)
        if (from !== undefined) add(from, token.line)
      }
    } else if (token.value === 'export' && !isMember) {
      const clause = isWord(next, 'type') ? j + 2 : j + 1
      if (isPunct(tokens[clause], '*') || isPunct(tokens[clause], '{')) {
        const from = findFrom(tokens, clause)
        if (from !== undefined) add(from, token.line)
      }
    } else if (token.value === 'require' && !isMember && isPunct(next, '(')) {
      add(tokens[j + 2], token.line)
    } else if (token.value === 'process') {
      const viaGlobalThis = isMember && isWord(tokens[j - 2], 'globalThis')
      const isKeyOrMethod =
        isPunct(next, '(') ||
        (isPunct(next, ':') && !isPunct(previous, '?')) ||
        (isPunct(next, '?') && isPunct(tokens[j + 2], ':'))
      if (viaGlobalThis || (!isMember && !isKeyOrMethod)) processLines.push(token.line)
    }
  }
  return { imports, processLines }
}

// ---------------------------------------------------------------- rules

type Area = 'core' | 'http' | 'server' | 'cli' | 'other'

function areaOf(absolutePath: string): Area | undefined {
  const relative = path.relative(SRC, absolutePath)
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined
  const first = relative.split(path.sep)[0]
  return first === 'core' || first === 'http' || first === 'server' || first === 'cli' ? first : 'other'
}

const isPackage =
  (...names: string[]) =>
  (specifier: string): boolean =>
    names.some((name) => specifier === name || specifier.startsWith(`${name}/`))
const isFs = (specifier: string): boolean =>
  /^(node:)?fs(\/promises)?$/.test(specifier) || specifier.startsWith('node:fs/')

interface PackageRule {
  forbidden: (specifier: string) => boolean
  why: string
}

const PACKAGE_RULES: Record<Area, PackageRule[]> = {
  core: [
    { forbidden: isPackage('hono', '@hono'), why: 'core is pure: only src/http imports hono' },
    { forbidden: isPackage('yargs'), why: 'core is pure: only src/cli imports yargs' },
    { forbidden: (s) => s === 'lowdb/node', why: 'core is pure: only src/server touches files (lowdb/node)' },
    { forbidden: isFs, why: 'core is pure: only src/server and src/cli touch files' },
    { forbidden: (s) => /^(node:)?process$/.test(s), why: 'core is pure: clocks, env and args are injected' },
  ],
  http: [
    { forbidden: isPackage('yargs'), why: 'only src/cli imports yargs' },
    { forbidden: isPackage('lowdb'), why: 'only src/server persists state' },
    { forbidden: isFs, why: 'only src/server and src/cli touch files' },
  ],
  server: [],
  cli: [],
  other: [{ forbidden: isFs, why: 'only src/server and src/cli touch files' }],
}

/** Layers each area must not import from (by resolved relative path). */
const LAYER_RULES: Record<Area, Area[]> = {
  core: ['http', 'server', 'cli'],
  http: ['server', 'cli'],
  server: [],
  cli: [],
  other: [],
}

/** Every boundary violation in one file, as "path:line: message" lines. */
function checkFile(absolutePath: string, source: string): string[] {
  const area = areaOf(absolutePath)
  if (area === undefined) return []
  const where = path.relative(ROOT, absolutePath)
  const violations: string[] = []
  const facts = scanSource(source)
  for (const ref of facts.imports) {
    const shown = ref.computed ? `import(\`${ref.specifier}...\`)` : `"${ref.specifier}"`
    if (ref.computed && ref.specifier === '') {
      if (area === 'core')
        violations.push(`${where}:${ref.line}: computed import specifier cannot be checked`)
      continue
    }
    for (const rule of PACKAGE_RULES[area]) {
      if (rule.forbidden(ref.specifier))
        violations.push(`${where}:${ref.line}: imports ${shown}: ${rule.why}`)
    }
    if (ref.specifier.startsWith('.')) {
      const target = areaOf(path.resolve(path.dirname(absolutePath), ref.specifier))
      if (target !== undefined && LAYER_RULES[area].includes(target)) {
        violations.push(
          `${where}:${ref.line}: imports ${shown}: src/${area} must not depend on src/${target}`,
        )
      }
    }
  }
  if (area === 'core') {
    for (const line of facts.processLines) {
      violations.push(`${where}:${line}: references the global "process": core is pure, inject what it needs`)
    }
  }
  return violations
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(c|m)?(t|j)s$/.test(name) && !name.endsWith('.d.ts'))
    .map((name) => path.join(dir, name))
    .sort()
}

// ---------------------------------------------------------------- tests

/** Snippets write template placeholders as #{...} so they can sit in plain strings here. */
const withPlaceholders = (source: string): string => source.replaceAll('#{', '${')

describe('import scanner', () => {
  const specifiers = (source: string): string[] => scanSource(source).imports.map((ref) => ref.specifier)

  test('finds static, type, side-effect, re-export, dynamic and require imports', () => {
    const source = [
      "import a from 'pkg-a'",
      "import type { B } from 'pkg-b'",
      "import 'pkg-c'",
      'import {',
      '  d,',
      '  e as f,',
      "} from 'pkg-d'",
      "import * as g from 'pkg-g'",
      "import h, { i } from 'pkg-h'",
      "export * from 'pkg-e'",
      "export * as ns from 'pkg-ns'",
      "export { x } from 'pkg-x'",
      "export type { Y } from 'pkg-y'",
      "const lazy = await import('pkg-lazy')",
      "const old = require('pkg-req')",
      'const tpl = import(`pkg-tpl`)',
    ].join('\n')
    assert.deepEqual(specifiers(source), [
      'pkg-a',
      'pkg-b',
      'pkg-c',
      'pkg-d',
      'pkg-g',
      'pkg-h',
      'pkg-e',
      'pkg-ns',
      'pkg-x',
      'pkg-y',
      'pkg-lazy',
      'pkg-req',
      'pkg-tpl',
    ])
  })

  test('reports the line of each import', () => {
    const facts = scanSource("// header\n\nimport {\n  a,\n} from 'pkg'\nawait import('other')\n")
    assert.deepEqual(
      facts.imports.map((ref) => ref.line),
      [3, 6],
    )
  })

  test('ignores imports inside comments, strings, templates and regex literals', () => {
    const source = [
      "// import fs from 'node:fs'",
      "/* import('hono') */",
      'const text = "import x from \'yargs\'"',
      "const tpl = `export * from 'lowdb/node' #{1 + 1} require('fs')`",
      "const re = /import x from 'node:fs'/g",
      "const slash = 4 / 2 // import('x')",
      'export { local }',
      "const from = 'not-an-import'",
    ].join('\n')
    assert.deepEqual(specifiers(withPlaceholders(source)), [])
  })

  test('marks computed dynamic imports with their static prefix', () => {
    const facts = scanSource(
      withPlaceholders('await import(`@faker-js/faker/locale/#{locale}`)\nawait import(name)'),
    )
    assert.deepEqual(facts.imports, [
      { specifier: '@faker-js/faker/locale/', line: 1, computed: true },
      { specifier: '', line: 2, computed: true },
    ])
  })

  test('finds references to the global process, not keys, methods or members named process', () => {
    const source = [
      'const env = process.env.HOME', // 1
      'const { argv } = process', // 2
      'globalThis.process.exit(1)', // 3
      'const p = typeof process', // 4
      'const queue = { process: 1 }', // 5
      'class Worker { process(item: number) { return item } }', // 6
      'worker.process(job)', // 7
      "const name = 'process'", // 8
      'interface Job { process?: boolean }', // 9
      'const t = `#{process.pid}`', // 10
      'const c = ok ? process : undefined', // 11
    ].join('\n')
    assert.deepEqual(scanSource(withPlaceholders(source)).processLines, [1, 2, 3, 4, 10, 11])
  })
})

describe('boundary rules', () => {
  const file = (relative: string): string => path.join(SRC, relative)

  test('core may not import hono, yargs, lowdb/node, fs, process or the outer layers', () => {
    const source = [
      "import { Hono } from 'hono'",
      "import type { Context } from 'hono/tiny'",
      "import { serve } from '@hono/node-server'",
      "import yargs from 'yargs'",
      "import { JSONFile } from 'lowdb/node'",
      "import { readFile } from 'node:fs/promises'",
      "const fs = await import('fs')",
      "export { app } from '../http/app.ts'",
      "import { startMock } from '../server/start.ts'",
      "import { main } from '../cli/index.ts'",
      "import { Low } from 'lowdb'",
      "import { createRandom } from './random.ts'",
      'const port = process.env.PORT',
    ].join('\n')
    const violations = checkFile(file('core/engine.ts'), source)
    assert.deepEqual(
      violations.map((v) => Number(v.split(':')[1])),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13],
    )
    assert.match(violations[0]!, /^src\/core\/engine\.ts:1: imports "hono": /)
    assert.match(violations.at(-1)!, /global "process"/)
  })

  test('core may not hide an import behind a computed specifier, but a static prefix is checked', () => {
    assert.equal(checkFile(file('core/a.ts'), 'await import(name)').length, 1)
    assert.deepEqual(
      checkFile(file('core/a.ts'), withPlaceholders('await import(`@faker-js/faker/locale/#{l}`)')),
      [],
    )
    assert.equal(checkFile(file('core/a.ts'), withPlaceholders('await import(`node:fs#{suffix}`)')).length, 1)
  })

  test('http may not import yargs, lowdb, fs, server or cli; hono and core are fine', () => {
    const source = [
      "import { Hono } from 'hono'",
      "import { store } from '../core/store.ts'",
      "import yargs from 'yargs/yargs'",
      "import { Low } from 'lowdb'",
      "import fs from 'node:fs'",
      "import { start } from '../server/start.ts'",
      "export * from '../cli/args.ts'",
    ].join('\n')
    assert.deepEqual(
      checkFile(file('http/app.ts'), source).map((v) => Number(v.split(':')[1])),
      [3, 4, 5, 6, 7],
    )
  })

  test('only server and cli may touch the file system', () => {
    const source = "import { readFile } from 'node:fs/promises'"
    assert.deepEqual(checkFile(file('server/load.ts'), source), [])
    assert.deepEqual(checkFile(file('cli/index.ts'), source), [])
    assert.equal(checkFile(file('index.ts'), source).length, 1)
  })
})

describe('the source tree', () => {
  const files = sourceFiles(SRC)

  test('has core files to check', () => {
    assert.ok(
      files.some((f) => areaOf(f) === 'core'),
      'no source files found under src/core',
    )
  })

  test('respects every import boundary', () => {
    const violations = files.flatMap((f) => checkFile(f, readFileSync(f, 'utf8')))
    assert.deepEqual(violations, [], `import boundary violations:\n${violations.join('\n')}`)
  })
})
