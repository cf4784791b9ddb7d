/**
 * A short node:test reporter (plain JavaScript: node loads reporters before --import hooks run) for `npm test`: nothing for passing tests, each failure in full (name, file,
 * error, stack, and the output of a test file that failed as a whole), then one line such as
 * `683 passed, 0 failed, 2 skipped (41.2 s)`. The exit code is node:test's own (non-zero on failure).
 */
import { relative } from 'node:path'
import { inspect } from 'node:util'

/**
 * @typedef {{ name?: string, nesting?: number, file?: string, skip?: boolean | string,
 *   todo?: boolean | string, details?: { type?: string, error?: any }, message?: string }} TestData
 * @typedef {{ failureType?: string, cause?: unknown }} TestFailure
 */

const colour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined
/** @type {(code: number, text: string) => string} */
const paint = (code, text) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text)

/** @param {AsyncIterable<{ type: string, data?: TestData }>} source */
export default async function* summaryReporter(source) {
  const started = performance.now()
  let passed = 0
  let failed = 0
  let skipped = 0
  let todo = 0
  /** output of each test file, shown when the file itself fails (an import error, a crash) */
  const output = new Map()

  for await (const event of source) {
    const data = event.data ?? {}
    switch (event.type) {
      case 'test:stdout':
      case 'test:stderr': {
        if (data.file !== undefined)
          output.set(data.file, (output.get(data.file) ?? '') + (data.message ?? ''))
        break
      }
      case 'test:pass': {
        if (isSuite(data) || isFileEntry(data)) break
        if (data.skip !== undefined && data.skip !== false) skipped++
        else if (data.todo !== undefined && data.todo !== false) todo++
        else passed++
        break
      }
      case 'test:fail': {
        /** @type {TestFailure | undefined} */
        const error = data.details?.error
        // a suite or file whose tests failed: those failures are reported one by one
        if (error?.failureType === 'subtestsFailed') break
        if (data.todo !== undefined && data.todo !== false) {
          todo++
          break
        }
        failed++
        yield describeFailure(data, error, isFileEntry(data) ? output.get(data.file ?? '') : undefined)
        break
      }
    }
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const counts = [
    paint(failed === 0 ? 32 : 0, `${passed} passed`),
    paint(failed === 0 ? 0 : 31, `${failed} failed`),
    `${skipped} skipped`,
    ...(todo === 0 ? [] : [`${todo} todo`]),
  ]
  yield `${failed === 0 ? '' : '\n'}${counts.join(', ')} (${seconds} s)\n`
}

/** @param {TestData} data */
function isSuite(data) {
  return data.details?.type === 'suite'
}

/** The entry node:test adds for a whole test file (named by its path). @param {TestData} data */
function isFileEntry(data) {
  return data.nesting === 0 && data.file !== undefined && data.name === data.file
}

/**
 * @param {TestData} data
 * @param {TestFailure | undefined} error
 * @param {string | undefined} fileOutput
 */
function describeFailure(data, error, fileOutput) {
  const file = data.file === undefined ? '' : relative(process.cwd(), data.file)
  const wholeFile = isFileEntry(data)
  const title = paint(
    31,
    `✖ ${wholeFile ? `${file} (the test file failed)` : (data.name ?? '(unnamed test)')}`,
  )
  const where = file === '' || wholeFile ? '' : `  ${file}\n`
  const cause = error?.cause ?? error
  // a file that failed as a whole has only 'test failed' as its error; its output says why
  const body =
    wholeFile && typeof cause === 'string' && fileOutput
      ? ''
      : `${indent(inspect(cause, { colors: colour, depth: 4 }))}\n`
  const kind =
    error?.failureType === undefined || error.failureType === 'testCodeFailure'
      ? ''
      : `  (${error.failureType})\n`
  const printed = fileOutput === undefined || fileOutput === '' ? '' : `  output:\n${indent(fileOutput)}\n`
  return `\n${title}\n${where}${kind}${body}${printed}`
}

/** @param {string} text */
function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')
}
