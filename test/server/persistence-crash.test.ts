import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../../bin/restmock.js', import.meta.url))
let dir: string
const children: ChildProcess[] = []

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restmock-crash-'))
})
after(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

interface Server {
  child: ChildProcess
  url: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Spawns the real CLI on port 0 and reads the URL from its first line. */
function startCli(db: string): Promise<Server> {
  const child = spawn(process.execPath, [bin, db, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    let stdout = ''
    const onData = (chunk: Buffer): void => {
      stdout += chunk.toString()
      const match = /^restmock listening on (http:\/\/\S+)\n/.exec(stdout)
      if (!match) return
      child.stdout!.off('data', onData)
      child.stdout!.resume()
      resolve({ child, url: match[1]!, exited })
    }
    child.stdout!.on('data', onData)
    void exited.then(({ code }) => reject(new Error(`restmock exited (${code}) before listening: ${stderr}`)))
  })
}

interface Post {
  id: number
  title: string
  views: number
}

test('SIGKILL in the middle of concurrent POSTs loses no acknowledged write', async () => {
  const db = join(dir, 'db.json')
  const seed = { posts: [{ id: 1, title: 'seed', views: 0 }], profile: { name: 'demo' } }
  await writeFile(db, JSON.stringify(seed, null, 2))

  const first = await startCli(db)
  const acknowledged: Post[] = []
  let killed = false
  const worker = async (worker: number): Promise<void> => {
    for (let i = 0; !killed; i++) {
      try {
        const response = await fetch(`${first.url}/posts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `w${worker}-${i} "quoted" ü`, views: i }),
        })
        if (response.status !== 201) throw new Error(`POST answered ${response.status}`)
        acknowledged.push((await response.json()) as Post)
      } catch (error) {
        if (!killed) throw error
      }
    }
  }
  const workers = Array.from({ length: 16 }, (_, i) => worker(i))
  while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 5))
  killed = true
  first.child.kill('SIGKILL')
  assert.equal((await first.exited).signal, 'SIGKILL')
  await Promise.all(workers)
  assert.ok((await readdir(dir)).includes('db.json.journal'), 'the writes went to the journal')

  const second = await startCli(db)
  const posts = (await (await fetch(`${second.url}/posts?_limit=100000`)).json()) as Post[]
  const byId = new Map(posts.map((post) => [post.id, post]))
  for (const post of acknowledged)
    assert.deepEqual(byId.get(post.id), post, `post ${post.id} was acknowledged`)
  assert.deepEqual(byId.get(1), seed.posts[0])
  assert.equal(new Set(posts.map((post) => post.id)).size, posts.length, 'no id was handed out twice')

  // new writes after the restart continue from the highest id, and a clean stop compacts everything
  const created = await fetch(`${second.url}/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'after restart', views: 1 }),
  })
  assert.equal(created.status, 201)
  const after = (await created.json()) as Post
  assert.ok(after.id > Math.max(...acknowledged.map((post) => post.id)))
  second.child.kill('SIGTERM')
  assert.equal((await second.exited).code, 0)
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.includes('journal')),
    [],
    'a clean shutdown compacts the journal into db.json',
  )
  const saved = JSON.parse(await readFile(db, 'utf8')) as { posts: Post[]; profile: unknown }
  assert.equal(saved.posts.length, posts.length + 1)
  assert.deepEqual(saved.profile, seed.profile)
})
