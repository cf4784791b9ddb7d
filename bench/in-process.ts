/**
 * In-process fixture cost (run in its own process by bench/run.ts): createMock with 1k records, and
 * reset() after some writes. Prints one JSON line.
 */
import { postsDb } from './fixture.ts'

interface MockLike {
  request(path: string, init?: RequestInit): Response | Promise<Response>
  reset(): Promise<void>
}

const library = (await import('../src/index.ts')) as Record<string, unknown>
for (const name of ['createMock', 'startMock']) {
  if (typeof library[name] !== 'function') {
    throw new Error(`src/index.ts does not export ${name}(): the in-process scenarios need it`)
  }
}
const createMock = library.createMock as (options: { data: unknown }) => MockLike

const data = postsDb(1000)
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const time = async (fn: () => unknown): Promise<number> => {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

const createTimes: number[] = []
let mock: MockLike | undefined
for (let i = 0; i < 11; i++)
  createTimes.push(await time(() => (mock = createMock({ data: structuredClone(data) }))))

const resetTimes: number[] = []
for (let i = 0; i < 21; i++) {
  for (let j = 0; j < 5; j++) {
    const response = await mock!.request('/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', views: j }),
    })
    if (response.status !== 201) throw new Error(`POST /posts answered ${response.status} in process`)
  }
  resetTimes.push(await time(() => mock!.reset()))
}

process.stdout.write(
  `${JSON.stringify({
    createFirstMs: createTimes[0],
    createMedianMs: median(createTimes.slice(1)),
    resetFirstMs: resetTimes[0],
    resetMedianMs: median(resetTimes.slice(1)),
  })}\n`,
)
