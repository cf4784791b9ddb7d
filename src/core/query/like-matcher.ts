import { type CharSet, inRanges, type LikeNode, mergeRanges, toPairs } from './like-syntax.ts'

/**
 * A Thompson-NFA (Pike VM) matcher: time O(pattern size x input length) whatever the pattern, so no
 * `_like` value can make the server backtrack for ever. Case-insensitive, unanchored search like `RegExp#test`.
 */

const CHAR = 0
const SPLIT = 1
const JMP = 2
const ASSERT = 3
const MATCH = 4

const ASSERT_START = 0
const ASSERT_END = 1
const ASSERT_WORD_BOUNDARY = 2
const ASSERT_NOT_WORD_BOUNDARY = 3

/** Beyond this many instructions a pattern is refused (bounded repetitions multiply its size). */
const MAX_PROGRAM_SIZE = 5000

class CodeUnitSet {
  readonly ascii = new Uint8Array(128)
  readonly ranges: number[]
  readonly negated: boolean

  constructor(set: CharSet) {
    const closed = caseClosure(set.ranges)
    for (let code = 0; code < 128; code++) this.ascii[code] = inRanges(closed, code) !== set.negated ? 1 : 0
    this.ranges = closed
    this.negated = set.negated
  }

  has(code: number): boolean {
    return code < 128 ? this.ascii[code] === 1 : inRanges(this.ranges, code) !== this.negated
  }
}

interface Program {
  ops: number[]
  x: number[]
  y: number[]
  sets: Array<CodeUnitSet | undefined>
}

function emit(program: Program, op: number, x = 0, y = 0, set?: CodeUnitSet): number {
  program.ops.push(op)
  program.x.push(x)
  program.y.push(y)
  program.sets.push(set)
  return program.ops.length - 1
}

const ASSERT_CODES = {
  start: ASSERT_START,
  end: ASSERT_END,
  wordBoundary: ASSERT_WORD_BOUNDARY,
  notWordBoundary: ASSERT_NOT_WORD_BOUNDARY,
}

function compileNode(program: Program, node: LikeNode): void {
  if (program.ops.length > MAX_PROGRAM_SIZE) return
  switch (node.kind) {
    case 'char':
      emit(program, CHAR, 0, 0, new CodeUnitSet(node.set))
      return
    case 'assert':
      emit(program, ASSERT, ASSERT_CODES[node.what])
      return
    case 'seq':
      for (const item of node.items) compileNode(program, item)
      return
    case 'alt': {
      const jumps: number[] = []
      node.options.forEach((option, index) => {
        if (index === node.options.length - 1) {
          compileNode(program, option)
          return
        }
        const split = emit(program, SPLIT)
        program.x[split] = split + 1
        compileNode(program, option)
        jumps.push(emit(program, JMP))
        program.y[split] = program.ops.length
      })
      for (const jump of jumps) program.x[jump] = program.ops.length
      return
    }
    case 'repeat': {
      for (let i = 0; i < node.min; i++) compileNode(program, node.node)
      if (node.max === Number.POSITIVE_INFINITY) {
        const split = emit(program, SPLIT)
        program.x[split] = split + 1
        compileNode(program, node.node)
        emit(program, JMP, split)
        program.y[split] = program.ops.length
        return
      }
      const splits: number[] = []
      for (let i = node.min; i < node.max; i++) {
        const split = emit(program, SPLIT)
        program.x[split] = split + 1
        splits.push(split)
        compileNode(program, node.node)
      }
      for (const split of splits) program.y[split] = program.ops.length
      return
    }
  }
}

function isAnchoredAtStart(node: LikeNode): boolean {
  if (node.kind === 'assert') return node.what === 'start'
  if (node.kind === 'seq') return node.items[0] !== undefined && isAnchoredAtStart(node.items[0])
  if (node.kind === 'alt') return node.options.every(isAnchoredAtStart)
  return false
}

function isWordCode(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    code === 0x5f ||
    (code >= 0x61 && code <= 0x7a)
  )
}

export type CompiledMatcher = { ok: true; test: (input: string) => boolean } | { ok: false; reason: string }

export function compileMatcher(node: LikeNode): CompiledMatcher {
  const program: Program = { ops: [], x: [], y: [], sets: [] }
  compileNode(program, node)
  if (program.ops.length > MAX_PROGRAM_SIZE) return { ok: false, reason: 'the pattern is too complex' }
  emit(program, MATCH)
  const matcher = new PikeVm(program, isAnchoredAtStart(node))
  return { ok: true, test: (input) => matcher.test(input) }
}

class PikeVm {
  readonly ops: Uint8Array
  readonly x: Int32Array
  readonly y: Int32Array
  readonly sets: Array<CodeUnitSet | undefined>
  readonly anchored: boolean
  // scratch space reused by every call (JavaScript is single-threaded; test() never re-enters)
  readonly seen: Int32Array
  readonly stack: Int32Array
  current: Int32Array
  next: Int32Array
  generation = 0
  input = ''

  constructor(program: Program, anchored: boolean) {
    const size = program.ops.length
    this.ops = Uint8Array.from(program.ops)
    this.x = Int32Array.from(program.x)
    this.y = Int32Array.from(program.y)
    this.sets = program.sets
    this.anchored = anchored
    this.seen = new Int32Array(size)
    this.stack = new Int32Array(2 * size + 2)
    this.current = new Int32Array(size)
    this.next = new Int32Array(size)
  }

  test(input: string): boolean {
    this.input = input
    const length = input.length
    let count = this.addThreads(this.current, 0, this.startGeneration(), 0, 0)
    if (count < 0) return true
    for (let pos = 0; pos < length; pos++) {
      const code = input.charCodeAt(pos)
      const generation = this.startGeneration()
      let nextCount = 0
      for (let i = 0; i < count; i++) {
        const pc = this.current[i]!
        if (this.sets[pc]!.has(code)) {
          nextCount = this.addThreads(this.next, nextCount, generation, pc + 1, pos + 1)
          if (nextCount < 0) return true
        }
      }
      if (!this.anchored) {
        nextCount = this.addThreads(this.next, nextCount, generation, 0, pos + 1)
        if (nextCount < 0) return true
      } else if (nextCount === 0) {
        return false
      }
      const swap = this.current
      this.current = this.next
      this.next = swap
      count = nextCount
    }
    return false
  }

  startGeneration(): number {
    if (this.generation >= 0x3fffffff) {
      this.seen.fill(0)
      this.generation = 0
    }
    return ++this.generation
  }

  /** Follows every empty transition from `startPc`, appending the CHAR instructions reached; -1 on MATCH. */
  addThreads(list: Int32Array, count: number, generation: number, startPc: number, pos: number): number {
    const { ops, x, y, seen, stack } = this
    let top = 0
    stack[top++] = startPc
    while (top > 0) {
      const pc = stack[--top]!
      if (seen[pc] === generation) continue
      seen[pc] = generation
      switch (ops[pc]) {
        case CHAR:
          list[count++] = pc
          break
        case MATCH:
          return -1
        case JMP:
          stack[top++] = x[pc]!
          break
        case SPLIT:
          stack[top++] = y[pc]!
          stack[top++] = x[pc]!
          break
        case ASSERT:
          if (this.holds(x[pc]!, pos)) stack[top++] = pc + 1
          break
      }
    }
    return count
  }

  holds(assertion: number, pos: number): boolean {
    const input = this.input
    switch (assertion) {
      case ASSERT_START:
        return pos === 0
      case ASSERT_END:
        return pos === input.length
      default: {
        const before = pos > 0 && isWordCode(input.charCodeAt(pos - 1))
        const after = pos < input.length && isWordCode(input.charCodeAt(pos))
        return (before !== after) === (assertion === ASSERT_WORD_BOUNDARY)
      }
    }
  }
}

/**
 * Case-insensitive closure of character ranges with the JavaScript `i` flag (non-unicode mode) semantics:
 * two code units match when their canonical forms (upper case, never mapping non-ASCII to ASCII) are equal.
 */

function canonicalize(code: number): number {
  const upper = String.fromCharCode(code).toUpperCase()
  if (upper.length !== 1) return code
  const result = upper.charCodeAt(0)
  return code >= 128 && result < 128 ? code : result
}

let nonAsciiGroups: number[][] | undefined

/** Groups of non-ASCII code units sharing a canonical form (built once, on first need: ~65k look-ups). */
function foldGroups(): number[][] {
  if (nonAsciiGroups !== undefined) return nonAsciiGroups
  const byCanonical = new Map<number, number[]>()
  for (let code = 128; code <= 0xffff; code++) {
    const canonical = canonicalize(code)
    const group = byCanonical.get(canonical)
    if (group === undefined) byCanonical.set(canonical, [code])
    else group.push(code)
  }
  nonAsciiGroups = []
  for (const group of byCanonical.values()) {
    if (group.length > 1) nonAsciiGroups.push(group)
  }
  return nonAsciiGroups
}

/** Sorted, merged ranges plus every code unit that matches one of them case-insensitively. */
export function caseClosure(ranges: readonly number[]): number[] {
  const extra: number[] = []
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i]!
    const hi = Math.min(ranges[i + 1]!, 127)
    for (let code = lo; code <= hi; code++) {
      if (code >= 0x41 && code <= 0x5a) extra.push(code + 32)
      else if (code >= 0x61 && code <= 0x7a) extra.push(code - 32)
    }
  }
  if (ranges.length > 0 && ranges[ranges.length - 1]! >= 128) {
    for (const group of foldGroups()) {
      if (group.some((code) => inRanges(ranges, code))) extra.push(...group)
    }
  }
  if (extra.length === 0) return [...ranges]
  const pairs = toPairs(ranges)
  for (const code of extra) pairs.push([code, code])
  return mergeRanges(pairs)
}
