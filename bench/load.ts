import { spawn, spawnSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { idSequence, idSequenceLua, idSweep, idSweepLua } from './ids.ts'

export interface LoadSpec {
  url: string
  /** fixed path, GET /posts/:id over 1..count in a fixed random order, or over 1..count in turn */
  path: string | IdPath
  method?: 'GET' | 'POST'
  body?: string
  /** extra request headers (an Authorization header, a session header) */
  headers?: Record<string, string>
  connections: number
  seconds: number
}

export type IdPath = { randomPostIdUpTo: number } | { everyPostIdUpTo: number }

export interface LoadResult {
  rps: number
  p50Ms: number
  p99Ms: number
  /** socket errors plus responses with a status >= 400 */
  errors: number
}

export type LoadTool = 'wrk' | 'autocannon'

/** wrk when it is on PATH (1 thread, as the reference figures in docs/performance.md), else autocannon in this process. */
export function pickTool(): LoadTool {
  return spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : 'autocannon'
}

export function runLoad(tool: LoadTool, spec: LoadSpec, workDir: string): Promise<LoadResult> {
  return tool === 'wrk' ? runWrk(spec, workDir) : runAutocannon(spec)
}

// ---- wrk ------------------------------------------------------------------------------------

const WRK_DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
`

async function runWrk(spec: LoadSpec, workDir: string): Promise<LoadResult> {
  const lines: string[] = []
  if (typeof spec.path !== 'string')
    lines.push(
      'randomPostIdUpTo' in spec.path
        ? idSequenceLua(spec.path.randomPostIdUpTo)
        : idSweepLua(spec.path.everyPostIdUpTo),
    )
  if (spec.method === 'POST') {
    lines.push('wrk.method = "POST"', `wrk.body = ${JSON.stringify(spec.body ?? '{}')}`)
    lines.push('wrk.headers["Content-Type"] = "application/json"')
  }
  for (const [name, value] of Object.entries(spec.headers ?? {}))
    lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
  lines.push(WRK_DONE)
  const script = join(workDir, `wrk-${process.hrtime.bigint()}.lua`)
  await writeFile(script, lines.join('\n'))
  const target = spec.url + (typeof spec.path === 'string' ? spec.path : '')
  const args = [
    '-t1',
    `-c${spec.connections}`,
    `-d${spec.seconds}s`,
    '--timeout',
    '10s',
    '-s',
    script,
    target,
  ]
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let text = ''
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString()
    })
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`)),
    )
  })
  const match = /WRKJSON (\{.*\})/.exec(output)
  if (!match) throw new Error(`no summary in wrk's output:\n${output}`)
  const summary = JSON.parse(match[1]!) as {
    requests: number
    durationUs: number
    p50Us: number
    p99Us: number
    errors: number
  }
  return {
    rps: summary.requests / (summary.durationUs / 1e6),
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    errors: summary.errors,
  }
}

// ---- autocannon -----------------------------------------------------------------------------

interface AutocannonRequest {
  method?: string
  path?: string
  body?: string
  headers?: Record<string, string>
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest
}

interface AutocannonResult {
  requests: { total: number }
  duration: number
  latency: { p50: number; p99: number }
  errors: number
  timeouts: number
  non2xx: number
}

type Autocannon = (options: {
  url: string
  connections: number
  duration: number
  requests: AutocannonRequest[]
}) => Promise<AutocannonResult>

async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
  const request: AutocannonRequest = { method: spec.method ?? 'GET' }
  if (typeof spec.path === 'string') request.path = spec.path
  else {
    const nextId =
      'randomPostIdUpTo' in spec.path
        ? idSequence(spec.path.randomPostIdUpTo)
        : idSweep(spec.path.everyPostIdUpTo)
    request.setupRequest = (req) => ({ ...req, path: `/posts/${nextId()}` })
  }
  if (spec.body !== undefined) {
    request.body = spec.body
    request.headers = { 'content-type': 'application/json' }
  }
  if (spec.headers !== undefined) request.headers = { ...request.headers, ...spec.headers }
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    requests: [request],
  })
  return {
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  }
}
