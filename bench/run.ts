/**
 * `npm run bench [-- --quick]`: restmock against a bare Hono server, each server in its own process,
 * loaded with wrk (when on PATH) or autocannon. Targets: docs/performance.md.
 *
 * This machine's speed drifts within a run (shared cores: the same server measures 20-30% apart a
 * minute later), so no scenario is compared with a baseline measured at another time. Every rated
 * scenario runs in rounds, each round loading the bare server and restmock back to back with the same
 * requests (order alternating), and the ratio is the median of the per-round ratios.
 */

import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { benchToken, cpuMs, writeAuthManifests } from './auth-fixture.ts'
import { COMMON_WORD, SEARCH_WORD, writePostsDb } from './fixture.ts'
import { type LoadResult, type LoadSpec, pickTool, runLoad } from './load.ts'
import { writeOpenApiFixture } from './openapi-fixture.ts'
import { type ServerProcess, startServer } from './processes.ts'
import { benchSessions } from './sessions.ts'
import { formatTable, type Row } from './table.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const quick = process.argv.includes('--quick')
/** seconds per load slice, slices per side of a comparison, warm-up seconds before the first round */
const seconds = quick ? 1 : 2
const rounds = quick ? 2 : 5
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

type Load = Omit<LoadSpec, 'url' | 'seconds'>

const load = (server: ServerProcess, spec: Load, duration = seconds): Promise<LoadResult> =>
  runLoad(tool, { ...spec, url: server.url, seconds: duration }, work)

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

interface Comparison {
  /** the measured server's median req/s, p50 and p99 over its slices */
  result: LoadResult
  /** the reference's median req/s over its slices */
  referenceRps: number
  /** median and range of the per-round ratios (measured / reference) */
  ratio: number
  low: number
  high: number
}

/**
 * `server` against `reference` with the same requests, in rounds of one slice each (alternating which
 * goes first), after warming `server` up. Each round's ratio compares two loads seconds apart.
 */
async function compare(reference: ServerProcess, server: ServerProcess, spec: Load): Promise<Comparison> {
  await warmUp(server, spec)
  const measured: LoadResult[] = []
  const referenceRps: number[] = []
  const ratios: number[] = []
  for (let round = 0; round < rounds; round++) {
    let ours: LoadResult
    let theirs: LoadResult
    if (round % 2 === 0) {
      theirs = await load(reference, spec)
      ours = await load(server, spec)
    } else {
      ours = await load(server, spec)
      theirs = await load(reference, spec)
    }
    measured.push(ours)
    referenceRps.push(theirs.rps)
    ratios.push(ours.rps / theirs.rps)
  }
  return {
    result: {
      rps: median(measured.map((slice) => slice.rps)),
      p50Ms: median(measured.map((slice) => slice.p50Ms)),
      p99Ms: median(measured.map((slice) => slice.p99Ms)),
      errors: measured.reduce((sum, slice) => sum + slice.errors, 0),
    },
    referenceRps: median(referenceRps),
    ratio: median(ratios),
    low: Math.min(...ratios),
    high: Math.max(...ratios),
  }
}

/** A warm-up sweep reads ids at no less than this rate, so it covers every record in its time. */
const SWEEP_RATE = 25_000

/**
 * JIT and caches: GET-by-id scenarios first read every record once (in turn), so that the measured rounds
 * see the steady state of a server whose records have all been served (each record's text and ETag
 * are computed on its first read), whatever the record count.
 */
async function warmUp(server: ServerProcess, spec: Load): Promise<void> {
  if (typeof spec.path === 'string' || !('randomPostIdUpTo' in spec.path)) {
    await load(server, spec, warmupSeconds)
    return
  }
  const count = spec.path.randomPostIdUpTo
  const sweep: Load = { ...spec, path: { everyPostIdUpTo: count } }
  await load(server, sweep, Math.max(warmupSeconds, Math.ceil(count / SWEEP_RATE)))
}

const range = (comparison: Comparison, format: (ratio: number) => string): string =>
  `rounds ${format(comparison.low)} - ${format(comparison.high)}`
const times = (ratio: number): string => `${ratio.toFixed(2)}x`
const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)}%`

const baselineRates: number[] = []

function addComparison(scenario: string, comparison: Comparison, target: string, min?: number): Row {
  baselineRates.push(comparison.referenceRps)
  const { result } = comparison
  const row: Row = {
    scenario,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    ratio: comparison.ratio,
    value: range(comparison, times),
    target,
  }
  if (min !== undefined) row.pass = comparison.ratio >= min
  if (result.errors > 0) {
    row.pass = false
    row.note = `(${result.errors} errors)`
  }
  rows.push(row)
  return row
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

function addFailure(scenario: string, target: string, error: unknown): void {
  broken = true
  rows.push({
    scenario,
    target,
    pass: false,
    note: `(${error instanceof Error ? error.message : String(error)})`,
  })
}

/** After "listening": when RSS is read, and when again once restmock has trimmed its idle heap (6 s). */
const SETTLE_MS = 2000
const IDLE_TRIM_WAIT_MS = 7000
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

let baseline: ServerProcess | undefined
try {
  log(
    `restmock bench: ${tool}, ${rounds} rounds of ${seconds}s against the bare server per scenario, after ${warmupSeconds}s warm-up`,
  )
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

  log('baseline: bare Hono (kept running for the whole run)')
  baseline = await startBaseline()
  const bare = baseline
  await load(bare, { path: { randomPostIdUpTo: 10_000 }, connections: 32 }, warmupSeconds)
  const baselineRow: Row = { scenario: 'bare Hono, constant JSON', ratio: 1, target: 'baseline' }
  rows.push(baselineRow)

  const reads: Array<[string, LoadSpec['path'], string, number | undefined]> = [
    ['GET /posts/:id (10k)', { randomPostIdUpTo: 10_000 }, '>= 0.8x', 0.8],
    ['GET /posts?_page=3&_limit=10', '/posts?_page=3&_limit=10', '>= 0.6x', 0.6],
    ['GET /posts?views=500', '/posts?views=500', '>= 0.2x', 0.2],
    [`GET /posts?q=${SEARCH_WORD} (10 matches)`, `/posts?q=${SEARCH_WORD}`, '>= 0.2x', 0.2],
  ]
  if (!quick) {
    reads.push(
      ['GET /posts?_sort=-views&_page=2&_limit=10', '/posts?_sort=-views&_page=2&_limit=10', '-', undefined],
      [`GET /posts?q=${COMMON_WORD} (~2.7k matches)`, `/posts?q=${COMMON_WORD}`, '-', undefined],
    )
  }
  log('restmock 10k, --quiet --in-memory: reads; and with the request log on')
  await withServer(
    () => startRestmock(db10k, '--quiet', '--in-memory'),
    async (quiet) => {
      for (const [scenario, path, target, min] of reads) {
        const problem = await check(quiet, typeof path === 'string' ? path : '/posts/1')
        if (problem !== undefined) {
          addFailure(scenario, target, problem)
          continue
        }
        addComparison(scenario, await compare(bare, quiet, { path, connections: 32 }), target, min)
      }
      await withServer(
        () => startRestmock(db10k, '--in-memory'),
        async (logging) => {
          const spec: Load = { path: { randomPostIdUpTo: 10_000 }, connections: 32 }
          const comparison = await compare(quiet, logging, spec)
          const { result } = comparison
          rows.push({
            scenario: 'GET /posts/:id (10k), request log on',
            rps: result.rps,
            p50Ms: result.p50Ms,
            p99Ms: result.p99Ms,
            value: `${percent(comparison.ratio)} of --quiet (${range(comparison, percent)})`,
            target: 'within 10% of --quiet',
            pass: comparison.ratio >= 0.9 && result.errors === 0,
          })
        },
      )
    },
  )

  log(
    'restmock 10k, auth: GET by id with a bearer JWT checked vs --auth off; an open resource vs no auth block',
  )
  const auth = await writeAuthManifests(work, db10k)
  const ids: Load = { path: { randomPostIdUpTo: 10_000 }, connections: 32 }
  /**
   * A row rated against another restmock (not the bare server) by CPU time per request, which other
   * processes on the machine disturb far less than the request rate; `min` is the least share of the
   * reference's requests per CPU second. Without /proc, the request rates are compared instead.
   */
  const relative = async (
    scenario: string,
    reference: ServerProcess,
    server: ServerProcess,
    spec: Load,
    of: string,
    min: number,
  ) => {
    await warmUp(reference, spec)
    await warmUp(server, spec)
    const perRequest = async (target: ServerProcess) => {
      const before = await cpuMs(target.pid)
      const result = await load(target, spec)
      const after = await cpuMs(target.pid)
      const cpu =
        before === undefined || after === undefined ? undefined : (after - before) / (result.rps * seconds)
      return { result, cpu }
    }
    const ratios: number[] = []
    const measured: LoadResult[] = []
    for (let round = 0; round < Math.max(rounds, 3); round++) {
      const first = round % 2 === 0 ? reference : server
      const a = await perRequest(first)
      const b = await perRequest(first === reference ? server : reference)
      const [ours, theirs] = first === reference ? [b, a] : [a, b]
      measured.push(ours.result)
      ratios.push(
        ours.cpu === undefined || theirs.cpu === undefined || ours.cpu === 0
          ? ours.result.rps / theirs.result.rps
          : theirs.cpu / ours.cpu,
      )
    }
    const ratio = median(ratios)
    const errors = measured.reduce((sum, slice) => sum + slice.errors, 0)
    rows.push({
      scenario,
      rps: median(measured.map((slice) => slice.rps)),
      p50Ms: median(measured.map((slice) => slice.p50Ms)),
      p99Ms: median(measured.map((slice) => slice.p99Ms)),
      value: `${percent(ratio)} of ${of}'s requests per CPU second (rounds ${percent(Math.min(...ratios))} - ${percent(Math.max(...ratios))})`,
      target: `>= ${percent(min)} of ${of}`,
      pass: ratio >= min && errors === 0,
    })
  }
  await withServer(
    () => startRestmock(auth.protected, '--quiet', '--in-memory', '--auth', 'off'),
    (off) =>
      withServer(
        () => startRestmock(auth.protected, '--quiet', '--in-memory'),
        async (checked) => {
          const headers = { authorization: `Bearer ${await benchToken(checked.url)}` }
          const problem = await check(checked, '/posts/1', { headers })
          if (problem !== undefined) return addFailure('GET /posts/:id (10k), bearer JWT', '>= 80%', problem)
          await relative(
            'GET /posts/:id (10k), bearer JWT checked',
            off,
            checked,
            { ...ids, headers },
            '--auth off',
            0.8,
          )
        },
      ),
  )
  await withServer(
    () => startRestmock(auth.plain, '--quiet', '--in-memory'),
    (plain) =>
      withServer(
        () => startRestmock(auth.open, '--quiet', '--in-memory'),
        (open) =>
          relative(
            'GET /posts/:id (10k), open resource, auth block',
            plain,
            open,
            ids,
            'no auth block',
            0.95,
          ),
      ),
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
      const spec: Load = { path: '/posts', method: 'POST', body: POST_BODY, connections: 32 }
      addComparison('POST /posts (10k, durable, 32 conn)', await compare(bare, server, spec), '>= 0.3x', 0.3)
    },
  )

  log('restmock 100k, durable: startup, memory, GET by id, POST latency')
  const startups: number[] = []
  const rssValues: number[] = []
  const restingRssValues: number[] = []
  for (let run = 0; run < (quick ? 1 : 3); run++) {
    const durable100k = join(work, `durable-100k-${run}.json`)
    await copyFile(db100k, durable100k)
    await withServer(
      () => startRestmock(durable100k, '--quiet'),
      async (server) => {
        startups.push(server.startupMs)
        // V8 returns the pages freed by its start-up GC to the OS from a background thread, within about
        // a second: read 2 s after "listening", the figure no longer depends on that thread's timing
        await sleep(SETTLE_MS)
        const rss = await server.rss()
        if (rss !== undefined) rssValues.push(rss)
        // restmock trims the heap once it has been idle for a 6 s check period (src/server/idle-heap-trim.ts);
        // full runs only, to keep --quick under a minute
        if (!quick) {
          await sleep(IDLE_TRIM_WAIT_MS - SETTLE_MS)
          const resting = await server.rss()
          if (resting !== undefined) restingRssValues.push(resting)
        }
        if (run > 0) return
        const spec: Load = { path: { randomPostIdUpTo: 100_000 }, connections: 32 }
        addComparison('GET /posts/:id (100k)', await compare(bare, server, spec), '>= 0.8x', 0.8)
        const result = await load(server, { path: '/posts', method: 'POST', body: POST_BODY, connections: 1 })
        const row: Row = {
          scenario: 'POST /posts (100k, durable, 1 conn)',
          rps: result.rps,
          p50Ms: result.p50Ms,
          p99Ms: result.p99Ms,
          target: 'p50 <= 5 ms',
          pass: result.p50Ms <= 5 && result.errors === 0,
        }
        if (result.errors > 0) row.note = `(${result.errors} errors)`
        rows.push(row)
      },
    )
  }
  rows.push({
    scenario: `startup to "listening" (100k)`,
    value: `${median(startups).toFixed(0)} ms`,
    target: '< 1500 ms',
    pass: median(startups) < 1500,
  })
  const emptyRss = await withServer(
    () => startRestmock(dbEmpty, '--quiet', '--in-memory'),
    async (server) => {
      await sleep(SETTLE_MS)
      return server.rss()
    },
  )
  if (rssValues.length > 0 && emptyRss !== undefined) {
    const above = (rss: number): string =>
      `${megabytes(rss)} (${((rss - emptyRss) / size100k).toFixed(1)}x JSON above an empty server)`
    const rss = median(rssValues)
    rows.push({
      scenario: `RSS after startup (100k, db.json ${megabytes(size100k)})`,
      value: [
        `${SETTLE_MS / 1000} s after listening ${above(rss)}`,
        ...(restingRssValues.length > 0
          ? [`after ${IDLE_TRIM_WAIT_MS / 1000} s idle ${above(median(restingRssValues))}`]
          : []),
        `empty server ${megabytes(emptyRss)}`,
      ].join('; '),
      target: '< 3x JSON above empty',
      pass: rss - emptyRss < 3 * size100k,
    })
  }

  log('OpenAPI source (1 MB document) vs the same resource from a manifest')
  try {
    const fixture = await writeOpenApiFixture(work, 1000)
    const openapiStartups: number[] = []
    const manifestStartups: number[] = []
    await withServer(
      () => startRestmock(fixture.manifest, '--quiet', '--in-memory'),
      async (fromManifest) => {
        manifestStartups.push(fromManifest.startupMs)
        await withServer(
          () => startRestmock(fixture.document, '--quiet', '--in-memory'),
          async (fromDocument) => {
            openapiStartups.push(fromDocument.startupMs)
            const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: POST_BODY }
            const problem =
              (await check(fromDocument, '/posts/1')) ?? (await check(fromDocument, '/posts', init))
            if (problem !== undefined) throw new Error(problem)
            const byId: Load = { path: { randomPostIdUpTo: 1000 }, connections: 32 }
            addComparison(
              'OpenAPI: GET /posts/:id vs manifest',
              await compare(fromManifest, fromDocument, byId),
              '>= 0.9x',
              0.9,
            )
            const create: Load = { path: '/posts', method: 'POST', body: POST_BODY, connections: 32 }
            addComparison(
              'OpenAPI: POST /posts vs manifest',
              await compare(fromManifest, fromDocument, create),
              '>= 0.9x',
              0.9,
            )
          },
        )
      },
    )
    for (let i = 0; i < 2; i++) {
      await withServer(
        () => startRestmock(fixture.document, '--quiet', '--in-memory'),
        async (s) => {
          openapiStartups.push(s.startupMs)
        },
      )
      await withServer(
        () => startRestmock(fixture.manifest, '--quiet', '--in-memory'),
        async (s) => {
          manifestStartups.push(s.startupMs)
        },
      )
    }
    rows.push({
      scenario: `startup, OpenAPI ${megabytes(fixture.bytes)} (${fixture.operations} operations)`,
      value: `${median(openapiStartups).toFixed(0)} ms (manifest: ${median(manifestStartups).toFixed(0)} ms)`,
      target: '< 1000 ms',
      pass: median(openapiStartups) < 1000,
    })
  } catch (error) {
    addFailure('OpenAPI source', '>= 0.9x', error)
  }

  try {
    rows.push(...(await benchSessions({ db: db100k, work, quick, log })))
  } catch (error) {
    addFailure('sessions (100k)', 'see bench/sessions.ts', error)
  }

  log('in-process createMock / reset (1k records)')
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/in-process.ts'],
      { cwd: root },
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
  if (baselineRates.length > 0) {
    baselineRow.rps = median(baselineRates)
    baselineRow.value = `median of its slices; ${Math.round(Math.min(...baselineRates))} - ${Math.round(Math.max(...baselineRates))} across scenarios`
  }
} catch (error) {
  broken = true
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
} finally {
  await baseline?.stop()
  await rm(work, { recursive: true, force: true })
}

process.stdout.write(`\n${formatTable(rows)}\n`)
process.stdout.write(
  `\nload: ${tool}${tool === 'wrk' ? ' -t1' : ''}, 32 connections unless noted. Each rated scenario: ${rounds} rounds of ${seconds}s on the bare server and ${seconds}s on restmock with the same requests; "vs bare" is the median per-round ratio, "rounds" its range.\n`,
)
if (broken) process.exitCode = 1
