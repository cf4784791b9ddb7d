/**
 * Soak test: the real CLI serving a manifest with a state file, under mixed traffic (reads, writes,
 * cascading deletes, queries, bad and large bodies, aborted connections, garbage HTTP) at bounded
 * concurrency. Reports the server's RSS every 10 s, requests/s and status classes, then stops the server
 * with SIGTERM, starts it again on the same state file and checks that the state came back unchanged.
 * Exits 1 on any 5xx, an unexpected socket error, RSS growth past the threshold after warm-up, an
 * unclean stop or a state that did not survive the restart.
 *
 *   npm run soak [-- --seconds 60] [--quick] [--concurrency 16] [--max-growth 1.5] [--no-build]
 *
 * The CLI runs from dist/, so the soak builds it first (`npm run build`) unless told not to.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual, parseArgs } from 'node:util'
import { createRandom, randomInt } from '../src/core/random.ts'

const USAGE = `usage: npm run soak [-- options]
  --seconds <n>       traffic duration (default 60)
  --quick             15 s of traffic
  --concurrency <n>   requests in flight at once (default 16)
  --max-growth <x>    most RSS growth allowed after the first 10 s, as a ratio (default 1.5)
  --seed <n>          traffic seed (default 1)
  --no-build          use dist/ as it is (the soak builds it first)
  --help              this text`

function readArgs() {
  try {
    return parseArgs({
      options: {
        seconds: { type: 'string', default: '60' },
        quick: { type: 'boolean', default: false },
        concurrency: { type: 'string', default: '16' },
        'max-growth': { type: 'string', default: '1.5' },
        seed: { type: 'string', default: '1' },
        'no-build': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    process.exit(1)
  }
}
const args = readArgs()
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}
const SECONDS = args.quick ? 15 : Number(args.seconds)
const CONCURRENCY = Number(args.concurrency)
const MAX_GROWTH = Number(args['max-growth'])
for (const [flag, value] of [
  ['--seconds', SECONDS],
  ['--concurrency', CONCURRENCY],
  ['--max-growth', MAX_GROWTH],
] as const) {
  if (!(Number.isFinite(value) && value > 0)) {
    console.error(`${flag} must be a number above 0\n${USAGE}`)
    process.exit(1)
  }
}
if (!Number.isSafeInteger(Number(args.seed))) {
  console.error(`--seed must be a whole number\n${USAGE}`)
  process.exit(1)
}
const SAMPLE_MS = 10_000
const REST_SECONDS = 20
const random = createRandom(Number(args.seed))
const pick = <T>(list: readonly T[]): T => list[randomInt(random, 0, list.length - 1)]!

const MANIFEST = {
  name: 'Soak',
  basePath: '/api',
  seed: 5,
  resources: {
    authors: {
      count: 300,
      fields: {
        name: { type: 'string', required: true, faker: 'person.fullName' },
        email: { type: 'string', format: 'email', required: true, unique: true },
        role: { type: 'string', enum: ['admin', 'editor', 'guest'], default: 'guest' },
      },
    },
    posts: {
      count: 3000,
      timestamps: true,
      fields: {
        title: { type: 'string', required: true },
        authorId: { type: 'integer', ref: 'authors', required: true, onDelete: 'cascade' },
        views: { type: 'integer', minimum: 0, default: 0 },
      },
    },
    comments: {
      count: 20_000,
      fields: {
        postId: { type: 'integer', ref: 'posts', required: true, onDelete: 'cascade' },
        body: { type: 'string', required: true },
      },
    },
    reviews: {
      count: 100,
      fields: {
        authorId: { type: 'integer', ref: 'authors', required: true, onDelete: 'restrict' },
        stars: { type: 'integer', minimum: 1, maximum: 5, required: true },
      },
    },
  },
}

// ---- the server ----------------------------------------------------------------------------------

interface Server {
  child: ChildProcess
  url: string
  output: () => string
}

const BIN = new URL('../bin/restmock.js', import.meta.url).pathname

const children = new Set<ChildProcess>()
// a soak that dies (an exception, Ctrl-C) takes its servers with it
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))

function startServer(dir: string): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'soak.yaml', '--port', '0', '--db', 'soak.state.json', '-q'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk
  })
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`server exited (${code}):\n${output}`))
    child.once('exit', onExit)
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match === null) return
      clearInterval(poll)
      child.off('exit', onExit)
      resolve({ child, url: match[1]!, output: () => output })
    }, 20)
  })
}

function stopServer(server: Server): Promise<{ code: number | null; ms: number }> {
  const started = performance.now()
  return new Promise((resolve) => {
    server.child.once('exit', (code) => resolve({ code, ms: performance.now() - started }))
    server.child.kill('SIGTERM')
  })
}

/** user + system CPU seconds the process has used (clock ticks of 1/100 s, as Linux reports them) */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024
}

// ---- the traffic ---------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
const counts = {
  '2xx': 0,
  '3xx': 0,
  '4xx': 0,
  '5xx': 0,
  aborted: 0,
  garbage: 0,
  resetOverLimit: 0,
  socketErrors: 0,
}
const fiveHundreds: string[] = []
/** status of the first answer to each piece of garbage (0: the connection closed without one) */
const garbageAnswers: Record<number, number> = {}
const socketErrors: string[] = []
let total = 0

interface Answer {
  status: number
  body: string
}

function send(base: string, method: string, path: string, body?: string, type = 'application/json') {
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': type }
    const req = request(`${base}${path}`, { method, agent, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A request whose client goes away: mid-body on a fresh connection. */
function abortMidBody(base: string): Promise<void> {
  return new Promise((resolve) => {
    const url = new URL(`${base}/api/posts`)
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`POST /api/posts HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n`)
      socket.write(`Content-Length: 5000\r\n\r\n{"title":"half`)
      setTimeout(() => socket.destroy(), randomInt(random, 0, 20))
    })
    socket.on('error', () => {})
    socket.on('close', () => resolve())
  })
}

const GARBAGE = [
  'GARBAGE\r\n\r\n',
  'GET / HTTP/1.1\r\nBad Header\r\n\r\n',
  'GET /\x00 HTTP/9\r\n\r\n',
  `GET /api/posts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  'POST /api/posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  'POST /api/posts HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'GET /api/posts/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/posts/2 HTTP/1.1\r\nHost: x\r\n\r\n',
  // the whole request, then gone before the answer
  'GET /api/posts?_embed=comments HTTP/1.1\r\nHost: x\r\n\r\n',
]

/**
 * Bytes that are not valid HTTP (or a client that leaves before the answer); resolves to the status of
 * the first answer, 0 when there was none. The server must answer 4xx or close, and keep serving.
 */
function garbageHttp(base: string): Promise<number> {
  return new Promise((resolve) => {
    const url = new URL(base)
    const text = pick(GARBAGE)
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(text)
      if (text.includes('_embed')) socket.destroy()
    })
    socket.setTimeout(2000, () => socket.destroy())
    let answer = ''
    socket.on('data', (chunk) => {
      answer += chunk
      socket.destroy()
    })
    socket.on('error', () => {})
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)))
  })
}

type Collection = 'authors' | 'posts' | 'comments'
/** ids of the seeded records and of those this client created, less those it deleted */
const known: Record<Collection, number[]> = { authors: [], posts: [], comments: [] }
/**
 * Records this client created and has not deleted. Deletes take only these, and new posts and comments
 * hang off them half the time, so cascades stay small and the seeded state stays about the same size
 * however long the soak runs; at the cap a create deletes instead.
 */
const created: Record<Collection, number[]> = { authors: [], posts: [], comments: [] }
const CREATED_CAP = 300
let emails = 0

const idOf = (resource: Collection): number => {
  const list = created[resource].length > 0 && random() < 0.5 ? created[resource] : known[resource]
  return list.length > 0 ? pick(list) : 1
}

function forget(list: number[], id: number): void {
  const at = list.indexOf(id)
  if (at === -1) return
  list[at] = list[list.length - 1]!
  list.pop()
}

function remove(base: string, resource: Collection): Promise<Answer> {
  const list = created[resource]
  if (list.length === 0) return send(base, 'GET', `/api/${resource}/${idOf(resource)}`)
  const id = list[randomInt(random, 0, list.length - 1)]!
  forget(list, id)
  forget(known[resource], id)
  return send(base, 'DELETE', `/api/${resource}/${id}`)
}

async function create(base: string, resource: Collection, body: () => unknown): Promise<Answer> {
  if (created[resource].length >= CREATED_CAP) return remove(base, resource)
  const answer = await send(base, 'POST', `/api/${resource}`, JSON.stringify(body()))
  if (answer.status === 201) {
    const { id } = JSON.parse(answer.body) as { id: number }
    created[resource].push(id)
    known[resource].push(id)
  }
  return answer
}

const BAD_BODIES: ReadonlyArray<readonly [string, string]> = [
  ['{"title":', 'application/json'],
  [`{"title":${'['.repeat(150)}${']'.repeat(150)}}`, 'application/json'],
  ['{"title":"x","authorId":1e400}', 'application/json'],
  ['{"title":"x","authorId":1,"__proto__":{"a":1}}', 'application/json'],
  ['title=x', 'application/x-www-form-urlencoded'],
  ['[]', 'application/json'],
]
const QUERIES = [
  '?_page=2&_limit=20',
  '?_sort=-views&_limit=10',
  '?q=a&_limit=20',
  '?_embed=comments&_page=7&_limit=10',
  '?_expand=author&_limit=20',
  '?views_gte=990',
  '?title_like=^s&_page=1&_per_page=25',
]

/** One request of the mix; answers undefined for the deliberately broken connections. */
async function oneRequest(base: string): Promise<Answer | undefined> {
  const roll = random() * 100
  if (roll < 30) return send(base, 'GET', `/api/posts${pick(QUERIES)}`)
  if (roll < 45) {
    const resource = pick(['posts', 'comments', 'authors'] as const)
    return send(base, pick(['GET', 'GET', 'HEAD']), `/api/${resource}/${idOf(resource)}`)
  }
  if (roll < 50)
    return create(base, 'authors', () => ({ name: 'Soak', email: `soak${emails++}@example.com` }))
  if (roll < 58) return create(base, 'posts', () => ({ title: 'soak post', authorId: idOf('authors') }))
  if (roll < 64)
    return create(base, 'comments', () => ({
      postId: idOf('posts'),
      body: 'c'.repeat(randomInt(random, 10, 200)),
    }))
  if (roll < 70)
    return send(
      base,
      'PATCH',
      `/api/posts/${idOf('posts')}`,
      JSON.stringify({ views: randomInt(random, 0, 999) }),
    )
  if (roll < 72) {
    const id = idOf('authors')
    return send(
      base,
      'PUT',
      `/api/authors/${id}`,
      JSON.stringify({ name: 'Renamed', email: `put${id}@example.com` }),
    )
  }
  // authors cascade to their posts and those posts' comments; an author with reviews is kept (409)
  if (roll < 80)
    return remove(
      base,
      pick(['authors', 'posts', 'posts', 'posts', 'comments', 'comments', 'comments'] as const),
    )
  if (roll < 87) {
    const [body, type] = pick(BAD_BODIES)
    return send(base, 'POST', '/api/posts', body, type)
  }
  if (roll < 90) {
    // a large valid body (the request journal keeps 64 KiB of it), removed again at once
    const body = JSON.stringify({
      postId: idOf('posts'),
      body: 'L'.repeat(randomInt(random, 100_000, 500_000)),
    })
    const answer = await send(base, 'POST', '/api/comments', body)
    if (answer.status === 201) await send(base, 'DELETE', `/api/comments/${JSON.parse(answer.body).id}`)
    return answer
  }
  if (roll < 91) {
    // over the 1 MiB limit: 413, or the connection is closed while the body is still being sent
    const body = JSON.stringify({ postId: 1, body: 'O'.repeat(1_500_000) })
    return send(base, 'POST', '/api/comments', body).catch(() => {
      counts.resetOverLimit++
      return undefined
    })
  }
  if (roll < 95) {
    await abortMidBody(base)
    counts.aborted++
    return undefined
  }
  if (roll < 97) {
    const status = await garbageHttp(base)
    if (status >= 500) fiveHundreds.push(`garbage HTTP answered ${status}`)
    counts.garbage++
    garbageAnswers[status] = (garbageAnswers[status] ?? 0) + 1
    return undefined
  }
  // the request journal, read while it fills (bounded in entries and bytes)
  return send(
    base,
    'GET',
    `/__restmock/requests?${pick(['status=5xx', 'method=DELETE&status=204', 'path=/api/authors/:id'])}`,
  )
}

async function worker(base: string, until: number): Promise<void> {
  while (performance.now() < until) {
    try {
      const answer = await oneRequest(base)
      if (answer === undefined) continue
      total++
      counts[`${Math.floor(answer.status / 100)}xx` as '2xx']++
      if (answer.status >= 500) fiveHundreds.push(`${answer.status} ${answer.body.slice(0, 200)}`)
    } catch (error) {
      counts.socketErrors++
      if (socketErrors.length < 5) socketErrors.push(String(error))
    }
  }
}

// ---- the run -------------------------------------------------------------------------------------

const mb = (n: number): string => `${n.toFixed(1)} MB`
const sizes = (state: Record<string, unknown>): string =>
  Object.entries(state)
    .map(([name, records]) => `${name} ${Array.isArray(records) ? records.length : 1}`)
    .join(', ')

async function main(): Promise<number> {
  if (!args['no-build']) {
    const build = spawnSync('npm', ['run', 'build', '--silent'], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: 'inherit',
    })
    if (build.status !== 0) throw new Error('npm run build failed')
  }
  const dir = await mkdtemp(join(tmpdir(), 'restmock-soak-'))
  const problems: string[] = []
  try {
    // JSON is YAML: the manifest file is written as JSON text
    await writeFile(join(dir, 'soak.yaml'), JSON.stringify(MANIFEST, null, 2))
    const server = await startServer(dir)
    const pid = server.child.pid!
    const seed = JSON.parse((await send(server.url, 'GET', '/__restmock/db')).body) as Record<
      Collection,
      { id: number }[]
    >
    for (const resource of Object.keys(known) as Collection[])
      known[resource] = seed[resource].map((record) => record.id)

    const rss: number[] = [await rssMb(pid)]
    const cpuAtStart = await cpuSeconds(pid)
    console.log(`state at start: ${sizes(seed)}`)
    console.log(`soak: ${SECONDS} s, ${CONCURRENCY} concurrent clients, server pid ${pid} at ${server.url}`)
    console.log(`   0 s  rss ${mb(rss[0]!)}`)
    const started = performance.now()
    let lastTotal = 0
    let lastAt = started
    const sampler = setInterval(async () => {
      const now = performance.now()
      const value = await rssMb(pid)
      rss.push(value)
      const rate = ((total - lastTotal) * 1000) / (now - lastAt)
      ;[lastTotal, lastAt] = [total, now]
      const seconds = Math.round((now - started) / 1000)
      console.log(
        `${String(seconds).padStart(4)} s  rss ${mb(value)}  ${Math.round(rate)} req/s  ${JSON.stringify(counts)}`,
      )
    }, SAMPLE_MS)
    const until = started + SECONDS * 1000
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(server.url, until)))
    clearInterval(sampler)
    const elapsed = (performance.now() - started) / 1000
    const end = await rssMb(pid)
    rss.push(end)
    const cpu = (await cpuSeconds(pid)) - cpuAtStart
    console.log(`${elapsed.toFixed(0).padStart(4)} s  rss ${mb(end)}  (traffic stops)`)
    // at rest: once idle for a whole check period the server runs one full GC; a leak survives it
    let rest = end
    for (let second = 0; second < REST_SECONDS; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      rest = Math.min(rest, await rssMb(pid))
    }
    console.log(`        rss ${mb(rest)} at rest (lowest over ${REST_SECONDS} s idle)`)

    // the state the server answers now must be the state it finds again after a clean stop and a restart
    const before = JSON.parse((await send(server.url, 'GET', '/__restmock/db')).body)
    agent.destroy()
    const stop = await stopServer(server)
    const restarted = await startServer(dir)
    const after = JSON.parse((await send(restarted.url, 'GET', '/__restmock/db')).body)
    await stopServer(restarted)
    agent.destroy()

    // warm-up: the first 10 s sample (or the start, for runs shorter than that). Under load RSS includes
    // garbage V8 has not collected yet, so growth is judged on the lower of the last reading under load
    // and the reading at rest: garbage goes away in the server's idle collection, a leak does not.
    const warm = rss.length > 2 ? rss[1]! : rss[0]!
    const growth = Math.min(end, rest) / warm
    console.log(
      `\nrequests: ${total} in ${elapsed.toFixed(1)} s = ${Math.round(total / elapsed)} req/s (server CPU ${cpu.toFixed(1)} s)`,
    )
    console.log(`statuses: ${JSON.stringify(counts)}`)
    console.log(`answers to garbage HTTP: ${JSON.stringify(garbageAnswers)}`)
    console.log(
      `rss: start ${mb(rss[0]!)}, after warm-up ${mb(warm)}, peak ${mb(Math.max(...rss))}, end ${mb(end)}, at rest ${mb(rest)} (x${growth.toFixed(2)} of warm-up)`,
    )
    console.log(
      `stop: SIGTERM -> exit ${stop.code} in ${Math.round(stop.ms)} ms; ${server.output().includes('restmock stopped') ? '"restmock stopped" printed' : 'no "restmock stopped" line'}`,
    )
    console.log(
      `state after restart: ${isDeepStrictEqual(before, after) ? 'identical' : 'DIFFERENT'} (${sizes(after)})`,
    )

    if (counts['5xx'] > 0 || fiveHundreds.length > 0)
      problems.push(`5xx answers: ${fiveHundreds.slice(0, 5).join(' | ')}`)
    if (counts.socketErrors > 0) problems.push(`unexpected socket errors: ${socketErrors.join(' | ')}`)
    if (growth > MAX_GROWTH)
      problems.push(`RSS grew x${growth.toFixed(2)} after warm-up (limit x${MAX_GROWTH})`)
    if (stop.code !== 0) problems.push(`SIGTERM exit code ${stop.code}:\n${server.output().slice(-2000)}`)
    if (!isDeepStrictEqual(before, after))
      problems.push('the state after the restart differs from the state before the stop')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  for (const problem of problems) console.error(`FAIL ${problem}`)
  console.log(problems.length === 0 ? 'soak: ok' : 'soak: FAILED')
  return problems.length === 0 ? 0 : 1
}

process.exitCode = await main()
