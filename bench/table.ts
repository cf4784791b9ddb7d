export interface Row {
  scenario: string
  rps?: number
  p50Ms?: number
  p99Ms?: number
  /** req/s divided by the bare Hono baseline's */
  ratio?: number
  /** a measured value that is not a rate (startup time, memory) */
  value?: string
  target: string
  pass?: boolean
  note?: string
}

const fixed = (value: number | undefined, digits: number, unit = ''): string =>
  value === undefined ? '-' : `${value.toFixed(digits)}${unit}`

export function formatTable(rows: Row[]): string {
  const header = ['scenario', 'req/s', 'p50', 'p99', 'vs bare', 'value', 'target', 'result']
  const cells = rows.map((row) => [
    row.scenario,
    row.rps === undefined ? '-' : Math.round(row.rps).toString(),
    fixed(row.p50Ms, 2, ' ms'),
    fixed(row.p99Ms, 2, ' ms'),
    fixed(row.ratio, 2, 'x'),
    row.value ?? '-',
    row.target,
    (row.pass === undefined ? '' : row.pass ? 'pass' : 'FAIL') + (row.note ? ` ${row.note}` : ''),
  ])
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)))
  const numeric = new Set([1, 2, 3, 4])
  const format = (line: string[]): string =>
    line.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(format)].join(
    '\n',
  )
}
