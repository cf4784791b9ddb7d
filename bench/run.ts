/**
 * `npm run bench [-- --quick]`: restmock against a bare Hono server measured in the same run, each
 * server in its own process, loaded with wrk (when on PATH) or autocannon. Targets: issues 3 and 4.
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { COMMON_WORD, SEARCH_WORD, writePostsDb } from './fixture.ts'
import { type LoadResult, type LoadSpec, pickTool, runLoad } from './load.ts'
import { type ServerProcess, startServer } from './processes.ts'
import { formatTable, type Row } from './table.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const quick = process.argv.includes('--quick')
const seconds = quick ? 2 : 10
const warmupSeconds = quick ? 1 : 2
const tool = pickTool()
const work = await mkdtemp(join(tmpdir(), 'restmock-bench-'))
const rows: Row[] = []
let broken = false

const POST_BODY = JSON.stringify({
  title: 'benchmark post',
  views: 5,
  author: { name: 'Bench' },
  tags: ['alpha'],
  published: false,
})

const log = (text: string): void => {
  process.stderr.write(`${text}\n`)
}

async function measure(server: ServerProcess, spec: Omit<LoadSpec, 'url' | 'seconds'>): Promise<LoadResult> {
  await runLoad(tool, { ...spec, url: server.url, seconds: warmupSeconds }, work)
  return runLoad(tool, { ...spec, url: server.url, seconds }, work)
}

function startRestmock(db: string, ...flags: string[]): Promise<ServerProcess> {
  return startServer(process.execPath, ['bin/restmock.js', db, '--port', '0', ...flags], root)
}

const startBaseline = (): Promise<ServerProcess> =>
  startServer(process.execPath, ['--import', 'tsx', 'bench/baseline-server.ts'], root)

async function withServer<T>(
  start: () => Promise<ServerProcess>,
  use: (server: ServerProcess) => Promise<T>,
) {
  const server = await start()
  try {
    return await use(server)
  } finally {
    await server.stop()
  }
}

/** A scenario whose route answers something other than 200/201 is reported, not measured. */
async function check(server: ServerProcess, path: string, init?: RequestInit): Promise<string | undefined> {
  const response = await fetch(server.url + path, init)
  await response.arrayBuffer()
  return response.ok ? undefined : `${init?.method ?? 'GET'} ${path} answered ${response.status}`
}

/** Rows whose ratio is re-based on the mean of the baseline runs at the end (and the minimum ratio). */
const rated = new Map<Row, number | undefined>()

function addRate(scenario: string, result: LoadResult, baseline: number, target: string, min?: number): Row {
  const ratio = result.rps / baseline
  const row: Row = { scenario, rps: result.rps, p50Ms: result.p50Ms, p99Ms: result.p99Ms, ratio, target }
  rated.set(row, min)
  if (min !== undefined) row.pass = ratio >= min
  if (result.errors > 0) {
    row.pass = false
    row.note = `(${result.errors} errors)`
  }
  rows.push(row)
  return row
}

function addFailure(scenario: string, target: string, error: unknown): void {
  broken = true
  rows.push({
    scenario,
    target,
    pass: false,
    note: `(${error instanceof Error ? error.message : String(error)})`,
  })
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

try {
  log(`restmock bench: ${tool}, ${seconds}s per scenario after ${warmupSeconds}s warm-up, 32 connections`)
  log(`node ${process.version}, ${cpus().length} cpus, ${cpus()[0]?.model ?? 'unknown cpu'}`)
  const db10k = join(work, 'posts-10k.json')
  const db100k = join(work, 'posts-100k.json')
  await writePostsDb(db10k, 10_000)
  const { bytes: size100k, compactBytes } = await writePostsDb(db100k, 100_000)
  log(
    `fixtures: 10k and 100k posts; the 100k db.json is ${megabytes(size100k)} (${megabytes(compactBytes)} compact)`,
  )
  const dbEmpty = join(work, 'empty.json')
  await writeFile(dbEmpty, '{ "posts": [] }\n')

  log('baseline: bare Hono')
  const baselineRun = await withServer(startBaseline, (server) =>
    measure(server, { path: '/posts/1', connections: 32 }),
  )
  const baseline = baselineRun.rps
  rows.push({ ...baselineRun, scenario: 'bare Hono, constant JSON', ratio: 1, target: 'baseline' })

  const reads: Array<[string, LoadSpec['path'], string, number | undefined]> = [
    ['GET /posts/:id (10k)', { randomPostIdUpTo: 10_000 }, '>= 0.8x', 0.8],
    ['GET /posts?_page=3&_limit=10', '/posts?_page=3&_limit=10', '>= 0.6x', 0.6],
    ['GET /posts?views=500', '/posts?views=500', '>= 0.2x', 0.2],
    ['GET /posts?_sort=-views&_page=2&_limit=10', '/posts?_sort=-views&_page=2&_limit=10', '-', undefined],
    [`GET /posts?q=${SEARCH_WORD} (10 matches)`, `/posts?q=${SEARCH_WORD}`, '>= 0.2x', 0.2],
    [`GET /posts?q=${COMMON_WORD} (~2.7k matches)`, `/posts?q=${COMMON_WORD}`, '-', undefined],
  ]
  let quietById: LoadResult | undefined
  log('restmock 10k, --quiet --in-memory: reads')
  await withServer(
    () => startRestmock(db10k, '--quiet', '--in-memory'),
    async (server) => {
      for (const [scenario, path, target, min] of reads) {
        const problem = await check(server, typeof path === 'string' ? path : '/posts/1')
        if (problem !== undefined) {
          addFailure(scenario, target, problem)
          continue
        }
        const result = await measure(server, { path, connections: 32 })
        if (typeof path !== 'string') quietById = result
        addRate(scenario, result, baseline, target, min)
      }
    },
  )

  log('restmock 10k, request log on')
  await withServer(
    () => startRestmock(db10k, '--in-memory'),
    async (server) => {
      const result = await measure(server, { path: { randomPostIdUpTo: 10_000 }, connections: 32 })
      const row = addRate('GET /posts/:id (10k), request log on', result, baseline, 'within 10% of --quiet')
      if (quietById !== undefined) {
        const relative = result.rps / quietById.rps
        row.value = `${(relative * 100).toFixed(0)}% of --quiet`
        row.pass = row.pass !== false && relative >= 0.9
      }
    },
  )

  log('restmock 10k, durable: POST')
  const durable10k = join(work, 'durable-10k.json')
  await copyFile(db10k, durable10k)
  await withServer(
    () => startRestmock(durable10k, '--quiet'),
    async (server) => {
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: POST_BODY }
      const problem = await check(server, '/posts', init)
      if (problem !== undefined) return addFailure('POST /posts (10k, durable)', '>= 0.3x', problem)
      const result = await measure(server, {
        path: '/posts',
        method: 'POST',
        body: POST_BODY,
        connections: 32,
      })
      addRate('POST /posts (10k, durable, 32 conn)', result, baseline, '>= 0.3x', 0.3)
    },
  )

  log('restmock 100k, durable: startup, memory, GET by id, POST latency')
  const startups: number[] = []
  const rssValues: number[] = []
  for (let run = 0; run < (quick ? 1 : 3); run++) {
    const durable100k = join(work, `durable-100k-${run}.json`)
    await copyFile(db100k, durable100k)
    await withServer(
      () => startRestmock(durable100k, '--quiet'),
      async (server) => {
        startups.push(server.startupMs)
        const rss = await server.rss()
        if (rss !== undefined) rssValues.push(rss)
        if (run > 0) return
        const byId = await measure(server, { path: { randomPostIdUpTo: 100_000 }, connections: 32 })
        addRate('GET /posts/:id (100k)', byId, baseline, '>= 0.8x', 0.8)
        const result = await measure(server, {
          path: '/posts',
          method: 'POST',
          body: POST_BODY,
          connections: 1,
        })
        const row: Row = {
          scenario: 'POST /posts (100k, durable, 1 conn)',
          rps: result.rps,
          p50Ms: result.p50Ms,
          p99Ms: result.p99Ms,
          ratio: result.rps / baseline,
          target: 'p50 <= 5 ms',
          pass: result.p50Ms <= 5 && result.errors === 0,
        }
        if (result.errors > 0) row.note = `(${result.errors} errors)`
        rows.push(row)
      },
    )
  }
  const startupMs = median(startups)
  rows.push({
    scenario: `startup to "listening" (100k)`,
    value: `${startupMs.toFixed(0)} ms`,
    target: '< 1500 ms',
    pass: startupMs < 1500,
  })
  const emptyRss = await withServer(
    () => startRestmock(dbEmpty, '--quiet', '--in-memory'),
    (server) => server.rss(),
  )
  if (rssValues.length > 0) {
    const rss = median(rssValues)
    const extra =
      emptyRss === undefined ? '' : `; ${((rss - emptyRss) / size100k).toFixed(1)}x above an empty db`
    rows.push({
      scenario: `RSS after startup (100k, db.json ${megabytes(size100k)})`,
      value: `${megabytes(rss)} = ${(rss / size100k).toFixed(1)}x JSON${extra}`,
      target: '< 3x JSON',
      pass: rss < 3 * size100k,
    })
  }

  log('in-process createMock / reset (1k records)')
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/in-process.ts'],
      {
        cwd: root,
      },
    )
    const timing = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>
    rows.push({
      scenario: 'createMock, 1k records (in process)',
      value: `${timing.createMedianMs!.toFixed(1)} ms (first ${timing.createFirstMs!.toFixed(1)} ms)`,
      target: '< 50 ms',
      pass: timing.createMedianMs! < 50,
    })
    rows.push({
      scenario: 'reset(), 1k records (in process)',
      value: `${timing.resetMedianMs!.toFixed(2)} ms (first ${timing.resetFirstMs!.toFixed(2)} ms)`,
      target: '< 5 ms',
      pass: timing.resetMedianMs! < 5,
    })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? ''
    const reason = /Error: (.*)/.exec(stderr)?.[1] ?? (error as Error).message
    addFailure('createMock / reset (in process)', '< 50 ms / < 5 ms', new Error(reason))
  }

  // The machine's speed drifts during a run (shared cores): measure the baseline again at the end and
  // rate every scenario against the mean of both baseline runs.
  log('baseline again: bare Hono')
  const closingRun = await withServer(startBaseline, (server) =>
    measure(server, { path: '/posts/1', connections: 32 }),
  )
  const meanBaseline = (baseline + closingRun.rps) / 2
  rows.splice(1, 0, {
    ...closingRun,
    scenario: 'bare Hono again, end of run',
    ratio: closingRun.rps / baseline,
    target: 'ratios use the mean',
  })
  for (const [row, min] of rated) {
    if (row.rps === undefined) continue
    row.ratio = row.rps / meanBaseline
    if (min !== undefined && row.note === undefined) row.pass = row.ratio >= min
  }
} catch (error) {
  broken = true
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
} finally {
  await rm(work, { recursive: true, force: true })
}

process.stdout.write(`\n${formatTable(rows)}\n`)
process.stdout.write(
  `\nload: ${tool}${tool === 'wrk' ? ' -t1' : ''}, ${seconds}s per scenario; ratios are to the mean of the two bare Hono runs above (start and end of this run).\n`,
)
if (broken) process.exitCode = 1
