/** What the command being parsed accepts, as yargs reports it (`getOptions()`). */
export interface KnownFlags {
  /** every option name, aliases included */
  names: readonly string[]
  /** the names that take no value (those also accept `--no-<name>`) */
  booleans: readonly string[]
}

/**
 * The one-line message for arguments yargs did not recognise (its `unknown` names, dashes stripped):
 * `unknown flag --dealy; did you mean --delay?`, or a pointer to the help when nothing is close.
 * Only the first is named: fixing it and running again is quicker than reading a list.
 */
export function unknownArgumentMessage(
  unknown: readonly string[],
  argv: readonly string[],
  known: KnownFlags,
  helpCommand: string,
): string {
  const name = unknown[0] ?? ''
  const seeHelp = `see ${helpCommand} --help`
  const token = flagToken(name, argv)
  if (token === undefined) return `unexpected argument ${JSON.stringify(name)}; ${seeHelp}`
  const suggestion = closestFlag(token, known)
  return `unknown flag ${token}; ${suggestion === undefined ? seeHelp : `did you mean ${suggestion}?`}`
}

/** How the user wrote the flag yargs calls `name` (`--dealy`, `--no-corss`, `-x`); undefined for a positional. */
export function flagToken(name: string, argv: readonly string[]): string | undefined {
  for (const arg of untilDoubleDash(argv)) {
    const flag = arg.split('=', 1)[0]!
    if (flag === `--${name}` || flag === `--no-${name}` || flag === `-${name}`) return flag
    // grouped short flags: -qx
    if (name.length === 1 && /^-[a-zA-Z]+$/.test(flag) && flag.includes(name)) return `-${name}`
  }
  return undefined
}

function closestFlag(token: string, known: KnownFlags): string | undefined {
  // single letters and yargs' camelCase copies (bodyLimit for body-limit) only add noise
  const long = (names: readonly string[]) => names.filter((n) => n.length > 1 && n === n.toLowerCase())
  if (token.startsWith('--no-')) {
    const match = closestName(token.slice(5), long(known.booleans))
    if (match !== undefined) return `--no-${match}`
  }
  if (!token.startsWith('--')) return undefined
  const match = closestName(token.slice(2), long(known.names))
  return match === undefined ? undefined : `--${match}`
}

/**
 * The text the user gave a flag, quoted (`"abc"`), for messages about a bad value: yargs turns a
 * number flag's `abc` into NaN, which would tell the user nothing. Falls back to the parsed value.
 */
export function givenValue(value: unknown, names: readonly string[], argv: readonly string[]): string {
  let given: string | undefined
  const args = untilDoubleDash(argv)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    for (const name of names) {
      const flag = name.length === 1 ? `-${name}` : `--${name}`
      // a flag given no value (`--port --quiet`) was given nothing
      if (arg === flag) given = /^--?[a-zA-Z]/.test(args[i + 1] ?? '-x') ? '' : args[i + 1]
      else if (arg.startsWith(`${flag}=`)) given = arg.slice(flag.length + 1)
    }
  }
  return JSON.stringify(given ?? String(value))
}

/**
 * The candidate a mistyped word most likely meant: at most one edit per three letters, where swapping
 * two neighbours counts as one edit (`dealy` -> `delay`), so that a short word is not "corrected" into
 * an unrelated one (`port` is not a typo of `out`).
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase()
  const limit = Math.max(1, Math.floor(word.length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of [...candidates].sort()) {
    const distance = typoDistance(word, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Edits (insert, delete, substitute, swap two neighbours) between two short words. */
function typoDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      }
      rows[i]![j] = best
    }
  }
  return rows[a.length]![b.length]!
}

/**
 * The first positional argument of `argv` (where a command word goes), skipping flags and the values
 * of the flags that take one (`--port 3000`); booleans take none, or an explicit `true`/`false`.
 */
export function firstPositional(argv: readonly string[], known: KnownFlags): string | undefined {
  const args = untilDoubleDash(argv)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('-') || arg === '-') return arg
    if (arg.includes('=')) continue
    // grouped short flags (-qp 3000): the last one may take the value
    const name = arg.startsWith('--') ? arg.slice(2) : arg.slice(-1)
    const boolean =
      known.booleans.includes(name) || (name.startsWith('no-') && known.booleans.includes(name.slice(3)))
    if (boolean) {
      if (args[i + 1] === 'true' || args[i + 1] === 'false') i++
    } else if (known.names.includes(name)) i++
  }
  return undefined
}

function untilDoubleDash(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--')
  return end === -1 ? argv : argv.slice(0, end)
}
