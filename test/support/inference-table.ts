/**
 * Builds the field-name inference table of docs/data-generation.md from the rules in
 * src/core/generate/name-inference.ts, so the docs cannot drift from the code.
 *
 *   node --import tsx test/support/inference-table.ts           prints the table
 *   node --import tsx test/support/inference-table.ts --write   rewrites it in docs/data-generation.md
 *
 * Names come from each rule's regular expression (a small subset of regex syntax is understood; a rule
 * outside it makes this throw rather than print something wrong), generators from calling each rule with a
 * faker that records which methods are called.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import type { Faker } from '@faker-js/faker'
import { type DateRange, randomInstant } from '../../src/core/generate/dates.ts'
import {
  BOOLEAN_RULES,
  DATE_RULES,
  NUMBER_RULES,
  TEXT_RULES,
} from '../../src/core/generate/name-inference.ts'

export const DOC_PATH = new URL('../../docs/data-generation.md', import.meta.url)
export const START_MARKER = '<!-- inference-table:start -->'
export const END_MARKER = '<!-- inference-table:end -->'

/** Resource names tried on rules whose generator depends on the resource; `posts` stands for any other. */
const PROBE_RESOURCES = [
  'users',
  'customers',
  'employees',
  'authors',
  'companies',
  'vendors',
  'products',
  'services',
  'categories',
  'tags',
  'cities',
  'countries',
  'books',
  'songs',
  'pets',
  'jobs',
  'posts',
] as const
const OTHER_RESOURCE = 'posts'

// ---- the regex subset: literals, ^ $, groups with |, [classes], and ? ----

type RegexNode =
  | { kind: 'char'; chars: readonly string[] }
  | { kind: 'start' }
  | { kind: 'end' }
  | { kind: 'group'; alternatives: readonly RegexItem[][] }
interface RegexItem {
  node: RegexNode
  optional: boolean
}

function parseRegex(source: string): RegexItem[] {
  let at = 0
  const fail = (why: string): never => {
    throw new Error(`inference table: cannot describe /${source}/ (${why} at ${at})`)
  }
  const sequence = (): RegexItem[][] => {
    const alternatives: RegexItem[][] = [[]]
    while (at < source.length) {
      const c = source.charAt(at)
      const current = alternatives[alternatives.length - 1] as RegexItem[]
      if (c === ')') return alternatives
      at++
      if (c === '|') alternatives.push([])
      else if (c === '^') current.push({ node: { kind: 'start' }, optional: false })
      else if (c === '$') current.push({ node: { kind: 'end' }, optional: false })
      else if (c === '(') {
        const inner = sequence()
        if (source.charAt(at) !== ')') fail('unclosed group')
        at++
        current.push({ node: { kind: 'group', alternatives: inner }, optional: false })
      } else if (c === '[') {
        const close = source.indexOf(']', at)
        const chars = source.slice(at, close)
        if (close < 0 || !/^[a-z0-9_]+$/.test(chars)) fail('unsupported character class')
        at = close + 1
        current.push({ node: { kind: 'char', chars: [...chars] }, optional: false })
      } else if (c === '?') {
        const last = current[current.length - 1]
        if (last === undefined || last.optional) fail('unsupported ?')
        else last.optional = true
      } else if (/[a-z0-9_]/.test(c)) current.push({ node: { kind: 'char', chars: [c] }, optional: false })
      else fail(`unsupported "${c}"`)
    }
    return alternatives
  }
  const alternatives = sequence()
  if (at !== source.length || alternatives.length !== 1) fail('top-level alternation')
  return alternatives[0] as RegexItem[]
}

/** Every string an item sequence matches (`^` kept as a marker); `_?` lists the underscore form first. */
function expand(items: readonly RegexItem[]): string[] {
  let results = ['']
  for (const item of items) {
    const node = item.node
    const present =
      node.kind === 'char'
        ? [...node.chars]
        : node.kind === 'group'
          ? node.alternatives.flatMap(expand)
          : node.kind === 'start'
            ? ['^']
            : ['$']
    const options = item.optional ? (node.kind === 'char' ? [...present, ''] : ['', ...present]) : present
    results = results.flatMap((prefix) => options.map((option) => prefix + option))
  }
  return [...new Set(results)]
}

const code = (text: string): string => `\`${text}\``
const list = (texts: readonly string[]): string => texts.map(code).join(', ')

/** The names a rule matches, as the table's first column. */
export function describeNames(pattern: RegExp): string {
  const items = parseRegex(pattern.source)
  if (items.at(-1)?.node.kind !== 'end') throw new Error(`inference table: /${pattern.source}/ has no $`)
  items.pop()
  const first = items[0]?.node
  const isWordStart =
    first?.kind === 'group' &&
    first.alternatives.length === 2 &&
    first.alternatives.some((a) => a.length === 1 && a[0]?.node.kind === 'start') &&
    first.alternatives.some((a) => a.length === 1 && a[0]?.node.kind === 'char' && a[0].node.chars[0] === '_')
  const mode = isWordStart ? 'words' : first?.kind === 'start' ? 'exact' : 'ending'
  if (mode !== 'ending') items.shift()
  const suffixes: string[] = []
  // a trailing optional group that adds words (`(_url)?`) is shown as a suffix; `bio(graphy)?` is not
  while (items.length > 1 && items.at(-1)?.optional && items.at(-1)?.node.kind === 'group') {
    const added = expand([{ node: (items.at(-1) as RegexItem).node, optional: false }])
    if (!added.some((text) => text.startsWith('_'))) break
    items.pop()
    suffixes.unshift(...added)
  }
  const only = items.length === 1 ? items[0] : undefined
  const names =
    only !== undefined && only.node.kind === 'group' && !only.optional
      ? [...new Set(only.node.alternatives.flatMap(expand))]
      : expand(items)
  if (mode === 'exact') return `${list(names)} (the whole name only)`
  if (mode === 'ending') {
    const whole = names.filter((n) => n.startsWith('^')).map((n) => n.slice(1))
    const endings = names.filter((n) => !n.startsWith('^'))
    return `any other name ending in ${list(endings)}${whole.length > 0 ? `, and ${list(whole)}` : ''}`
  }
  return suffixes.length > 0 ? `${list(names)} (+ ${list(suffixes)})` : list(names)
}

/** Concrete names a rule's description promises, for checking the description against the rule. */
export function exampleNames(pattern: RegExp): string[] {
  const items = parseRegex(pattern.source)
  return expand(items).map((name) => {
    const bare = name.replace(/\$$/, '')
    if (bare.startsWith('^')) return bare.slice(1)
    return bare.startsWith('_') ? `x${bare}` : bare
  })
}

// ---- generators, recorded by calling each rule ----

function formatValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, v]) => `${key}: ${formatValue(v)}`)
    return `{ ${entries.join(', ')} }`
  }
  return String(value)
}

/** A faker whose every method records its call (`lorem.sentence({ min: 2, max: 6 })`) and returns text. */
function recordingFaker(calls: string[]): Faker {
  const result = (): string => {
    const index = calls.length - 1
    // a String object, so the rules' own string calls (charAt, replace) work on the result
    const text: object = new String('text')
    return new Proxy(text, {
      get(target, property) {
        if (typeof property === 'string' && !(property in String.prototype)) {
          calls[index] = `${calls[index]}.${property}`
          return ''
        }
        const value = Reflect.get(target, property)
        return typeof value === 'function' ? value.bind(target) : value
      },
    }) as unknown as string
  }
  const module = (name: string) =>
    new Proxy(
      {},
      {
        get:
          (_, method) =>
          (...args: unknown[]) => {
            calls.push(`${name}.${String(method)}(${args.map(formatValue).join(', ')})`)
            return result()
          },
      },
    )
  return new Proxy({}, { get: (_, name) => module(String(name)) }) as Faker
}

function describeText(rule: (resource: string) => (faker: Faker) => string): string {
  const byGenerator = new Map<string, string[]>()
  for (const resource of PROBE_RESOURCES) {
    const calls: string[] = []
    rule(resource)(recordingFaker(calls))
    const generator = calls.map(code).join(' + ')
    byGenerator.set(generator, [...(byGenerator.get(generator) ?? []), resource])
  }
  if (byGenerator.size === 1) return [...byGenerator.keys()][0] as string
  const parts = [...byGenerator].map(([generator, resources]) =>
    resources.includes(OTHER_RESOURCE)
      ? `other resources: ${generator}`
      : `${resources.map(code).join(', ')}: ${generator}`,
  )
  const other = parts.findIndex((part) => part.startsWith('other'))
  parts.push(...parts.splice(other, 1))
  return `by the resource's name: ${parts.join('; ')}`
}

function describeNumber(hint: (now: Date) => { min: number; max: number; decimals: number }): string {
  const early = hint(new Date(Date.UTC(2000, 5, 1)))
  const late = hint(new Date(Date.UTC(2010, 5, 1)))
  const bound = (a: number, b: number): string => {
    if (a === b) return String(a)
    if (b - a !== 10) throw new Error('inference table: a bound moves with the date in an unexpected way')
    const offset = a - 2000
    return offset === 0
      ? 'the reference year'
      : `the reference year ${offset < 0 ? '-' : '+'} ${Math.abs(offset)}`
  }
  const decimals =
    early.decimals === 0 ? 'whole' : `${early.decimals} decimal${early.decimals === 1 ? '' : 's'}`
  return `${bound(early.min, late.min)} to ${bound(early.max, late.max)}, ${decimals}`
}

const DAY = 86_400_000
const YEAR = 365 * DAY

function describeDate(range: DateRange): string {
  const now = new Date(Date.UTC(2026, 10, 1))
  const from = randomInstant(range, now, () => 0) - now.getTime()
  const to = randomInstant(range, now, () => 1) - now.getTime()
  const amount = (ms: number): string => {
    const [n, unit] = ms % YEAR === 0 ? [ms / YEAR, 'year'] : [ms / DAY, 'day']
    return `${n} ${unit}${n === 1 ? '' : 's'}`
  }
  const point = (ms: number): string =>
    ms === 0 ? 'the reference date' : `${amount(Math.abs(ms))} ${ms < 0 ? 'before' : 'after'}`
  return `${point(from)} to ${point(to)}`
}

/** The markdown table, one row per rule, in the order the rules are tried. */
export function buildInferenceTable(): string {
  const rows: string[][] = []
  for (const [pattern, rule] of TEXT_RULES) rows.push([describeNames(pattern), 'string', describeText(rule)])
  for (const [pattern, range] of DATE_RULES)
    rows.push([describeNames(pattern), 'string (date)', describeDate(range)])
  for (const [pattern, hint] of NUMBER_RULES)
    rows.push([describeNames(pattern), 'integer, number', describeNumber(hint)])
  for (const [pattern, rate] of BOOLEAN_RULES)
    rows.push([describeNames(pattern), 'boolean', `\`true\` ${Math.round(rate * 100)}% of the time`])
  const lines = ['| field name | type | value |', '| --- | --- | --- |']
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`)
  const shadowed = shadowedNames()
  if (shadowed.length > 0) {
    const notes = shadowed.map(({ name, takenBy }) => `${code(name)} gets the ${code(takenBy)} row's value`)
    lines.push('', `An earlier row matches some names first: ${notes.join(', ')}.`)
  }
  return lines.join('\n')
}

/** Names a row lists that an earlier rule of the same list matches first (first match wins). */
function shadowedNames(): { name: string; takenBy: string }[] {
  const lists: ReadonlyArray<ReadonlyArray<readonly [RegExp, unknown]>> = [
    TEXT_RULES,
    DATE_RULES,
    NUMBER_RULES,
    BOOLEAN_RULES,
  ]
  const found: { name: string; takenBy: string }[] = []
  for (const rules of lists) {
    rules.forEach(([pattern], index) => {
      for (const name of exampleNames(pattern)) {
        if (name.startsWith('x_')) continue
        const first = rules.findIndex(([other]) => other.test(name))
        const taker = rules[first]
        if (first !== index && taker !== undefined) {
          found.push({ name, takenBy: exampleNames(taker[0]).find((n) => !n.startsWith('x_')) ?? '' })
        }
      }
    })
  }
  return found
}

/** The document with the text between the markers replaced by `table`. */
export function replaceInferenceSection(document: string, table: string): string {
  const start = document.indexOf(START_MARKER)
  const end = document.indexOf(END_MARKER)
  if (start < 0 || end < start)
    throw new Error(`${DOC_PATH.pathname} has no ${START_MARKER} ... ${END_MARKER}`)
  return `${document.slice(0, start + START_MARKER.length)}\n\n${table}\n\n${document.slice(end)}`
}

/** A markdown table without its alignment padding (the formatter pads cells; the content is what counts). */
export function normalizeTable(table: string): string {
  return table
    .split('\n')
    .map((line) => line.replace(/\s*\|\s*/g, '|').replace(/\|-{3,}(?=\|)/g, '|---'))
    .join('\n')
}

/** The table as the document holds it now, or undefined without markers. */
export function documentedInferenceTable(document: string): string | undefined {
  const start = document.indexOf(START_MARKER)
  const end = document.indexOf(END_MARKER)
  if (start < 0 || end < start) return undefined
  return document.slice(start + START_MARKER.length, end).trim()
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const table = buildInferenceTable()
  if (process.argv.includes('--write')) {
    const before = readFileSync(DOC_PATH, 'utf8')
    const after = replaceInferenceSection(before, table)
    if (after !== before) writeFileSync(DOC_PATH, after)
    process.stdout.write(
      after === before
        ? 'docs/data-generation.md: up to date\n'
        : 'docs/data-generation.md: table rewritten\n',
    )
  } else {
    process.stdout.write(`${table}\n`)
  }
}
