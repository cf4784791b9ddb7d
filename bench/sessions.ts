/**
 * Sessions over a 100k-record db.json (one restmock process, in memory):
 * - the first request of a new session against a plain request (creating a session must be O(1)),
 * - GET by id inside a session against outside it, in alternating rounds on the same server,
 * - RSS once 1,000 sessions have each written 10 records, against the same server's RSS before.
 * Called by bench/run.ts; `node --import tsx bench/sessions.ts [--quick]` runs it alone.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writePostsDb } from './fixture.ts'
import { type LoadResult, type LoadSpec, pickTool, runLoad } from './load.ts'
import { type ServerProcess, startServer } from './processes.ts'
import { formatTable, type Row } from './table.ts'

export interface SessionBenchOptions {
  /** a db.json of 100k posts */
  db: string
  /** scratch folder for load scripts */
  work: string
  quick: boolean
  log: (line: string) => void
}

const root = fileURLToPath(new URL('..', import.meta.url))
const HEADER = 'x-restmock-session'
const POST = JSON.stringify({
  title: 'session post',
  views: 1,
  author: { name: 'S' },
  tags: [],
  published: false,
})
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Milliseconds one GET takes, body read. */
async function timed(url: string, headers: Record<string, string> = {}): Promise<number> {
  const start = performance.now()
  const response = await fetch(url, { headers })
  await response.arrayBuffer()
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`)
  return performance.now() - start
}

/** Runs `task` over `items` with `width` in flight at once. */
async function pool<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lanes = Array.from({ length: width }, async () => {
    while (next < items.length) await task(items[next++]!)
  })
  await Promise.all(lanes)
}

export async function benchSessions(options: SessionBenchOptions): Promise<Row[]> {
  const rows: Row[] = []
  const tool = pickTool()
  const seconds = options.quick ? 1 : 2
  const rounds = options.quick ? 2 : 5
  const start = () =>
    startServer(
      process.execPath,
      ['bin/restmock.js', options.db, '--port', '0', '--quiet', '--in-memory'],
      root,
    )
  // restmock trims its heap after a whole idle check period of 6 s (large states), and V8 gives pages
  // back some seconds after that: RSS is compared at rest, read twice 10 s apart (the later one counts)
  const resting = options.quick ? 2000 : 13_000
  const restingRss = async (server: ServerProcess): Promise<[number | undefined, number | undefined]> => {
    await sleep(resting)
    const first = await server.rss()
    await sleep(options.quick ? 0 : 10_000)
    return [first, await server.rss()]
  }
  const server = await start()
  const load = (spec: Omit<LoadSpec, 'url' | 'seconds'>, duration = seconds): Promise<LoadResult> =>
    runLoad(tool, { ...spec, url: server.url, seconds: duration }, options.work)
  try {
    await sleep(2000)

    // 1. creation: the first session ever builds the seed's index once; every later one is O(1)
    options.log('sessions: first request in a new session vs a plain request (100k)')
    const plainUrl = `${server.url}/posts/50000`
    for (let i = 0; i < 20; i++) await timed(plainUrl)
    const veryFirst = await timed(plainUrl, { [HEADER]: 'first-ever' })
    const samples = options.quick ? 50 : 200
    const plain: number[] = []
    const fresh: number[] = []
    for (let i = 0; i < samples; i++) {
      plain.push(await timed(plainUrl))
      fresh.push(await timed(plainUrl, { [HEADER]: `new-${i}` }))
    }
    const creation = median(fresh) / median(plain)
    rows.push({
      scenario: 'first request in a new session (100k)',
      value: `${creation.toFixed(2)}x plain: median ${median(fresh).toFixed(2)} ms vs plain ${median(plain).toFixed(2)} ms (${samples} each); very first session ${veryFirst.toFixed(0)} ms (indexes the seed once)`,
      target: '<= 2x plain (O(1))',
      pass: creation <= 2,
    })

    // 2. GET by id in a session (that wrote 10 records) vs outside, alternating on one server
    options.log('sessions: GET /posts/:id inside a session vs outside (100k)')
    for (let i = 0; i < 10; i++) {
      await fetch(`${server.url}/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HEADER]: 'reader' },
        body: POST,
      }).then((response) => response.arrayBuffer())
    }
    const outside: Omit<LoadSpec, 'url' | 'seconds'> = {
      path: { randomPostIdUpTo: 100_000 },
      connections: 32,
    }
    const inside = { ...outside, headers: { [HEADER]: 'reader' } }
    const sweep = Math.max(2, Math.ceil(100_000 / 25_000))
    await load({ ...outside, path: { everyPostIdUpTo: 100_000 } }, sweep)
    await load({ ...inside, path: { everyPostIdUpTo: 100_000 } }, sweep)
    const ratios: number[] = []
    const insideRps: number[] = []
    const results: LoadResult[] = []
    for (let round = 0; round < rounds; round++) {
      const first = round % 2 === 0 ? outside : inside
      const second = first === outside ? inside : outside
      const a = await load(first)
      const b = await load(second)
      const [ours, theirs] = first === inside ? [a, b] : [b, a]
      ratios.push(ours.rps / theirs.rps)
      insideRps.push(ours.rps)
      results.push(ours)
    }
    const getRatio = median(ratios)
    const errors = results.reduce((sum, each) => sum + each.errors, 0)
    rows.push({
      scenario: 'GET /posts/:id in a session vs outside (100k)',
      rps: median(insideRps),
      p50Ms: median(results.map((each) => each.p50Ms)),
      p99Ms: median(results.map((each) => each.p99Ms)),
      value: `${getRatio.toFixed(2)}x outside (rounds ${Math.min(...ratios).toFixed(2)}x - ${Math.max(...ratios).toFixed(2)}x)`,
      target: '>= 0.8x',
      pass: getRatio >= 0.8 && errors === 0,
      ...(errors > 0 ? { note: `(${errors} errors)` } : {}),
    })
  } finally {
    await server.stop()
  }

  // 3. memory: 1,000 sessions that each wrote 10 records, on a server that served nothing else
  options.log('sessions: RSS with 1,000 sessions x 10 writes (100k)')
  const fresh = await start()
  try {
    const [, baseRss] = await restingRss(fresh)
    const writes: Array<[number, number]> = []
    for (let session = 0; session < 1000; session++) for (let i = 0; i < 10; i++) writes.push([session, i])
    await pool(writes, 16, async ([session]) => {
      const response = await fetch(`${fresh.url}/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HEADER]: `mem-${session}` },
        body: POST,
      })
      await response.arrayBuffer()
      if (response.status !== 201) throw new Error(`POST in a session answered ${response.status}`)
    })
    const listed = (await (await fetch(`${fresh.url}/__restmock/sessions`)).json()) as unknown[]
    const [earlierRss, sessionsRss] = await restingRss(fresh)
    if (baseRss !== undefined && sessionsRss !== undefined && earlierRss !== undefined) {
      const ratio = sessionsRss / baseRss
      rows.push({
        scenario: `RSS, ${listed.length} sessions x 10 writes over 100k`,
        value: `${ratio.toFixed(2)}x: ${megabytes(sessionsRss)} vs ${megabytes(baseRss)} before, both ${(resting + (options.quick ? 0 : 10_000)) / 1000} s at rest (${megabytes(earlierRss)} at ${resting / 1000} s)`,
        target: '< 1.5x',
        pass: ratio < 1.5,
      })
    }
  } finally {
    await fresh.stop()
  }
  return rows
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const work = await mkdtemp(join(tmpdir(), 'restmock-bench-sessions-'))
  try {
    const db = join(work, 'posts-100k.json')
    await writePostsDb(db, 100_000)
    const rows = await benchSessions({
      db,
      work,
      quick: process.argv.includes('--quick'),
      log: (line) => process.stderr.write(`${line}\n`),
    })
    process.stdout.write(`\n${formatTable(rows)}\n`)
    if (rows.some((row) => row.pass === false)) process.exitCode = 1
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
