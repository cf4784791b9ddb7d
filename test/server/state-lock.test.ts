import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import { acquireStateLock, isProcessAlive } from '../../src/server/persistence/lock.ts'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

async function tempState(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'restmock-lock-'))
  dirs.push(dir)
  return { dir, file: join(dir, 'state.json') }
}

const alive =
  (...pids: number[]) =>
  (pid: number) =>
    pids.includes(pid)

describe('state-file lock', () => {
  test('the lock file holds the pid; a second holder is refused with the first one named', async () => {
    const { dir, file } = await tempState()
    const lock = await acquireStateLock(file, { pid: 4101, isAlive: alive(4101, 4102) })
    assert.equal(lock.file, `${file}.lock`)
    assert.equal(await readFile(`${file}.lock`, 'utf8'), '4101\n')

    await assert.rejects(
      acquireStateLock(file, { pid: 4102, isAlive: alive(4101, 4102) }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.equal(
          error.message,
          `the state file ${file} is in use by restmock process 4101 (lock file ${file}.lock); ` +
            'stop that process, or choose another state file with --db',
        )
        assert.deepEqual(error.issues, [])
        return true
      },
    )
    assert.equal(await readFile(`${file}.lock`, 'utf8'), '4101\n', 'the refused process left the lock alone')
    assert.deepEqual(await readdir(dir), ['state.json.lock'], 'no temporary files left behind')
  })

  test('release removes the lock, is idempotent, and lets the next process in', async () => {
    const { dir, file } = await tempState()
    const first = await acquireStateLock(file, { pid: 4201, isAlive: alive(4201, 4202) })
    await first.release()
    await first.release()
    assert.deepEqual(await readdir(dir), [])
    const second = await acquireStateLock(file, { pid: 4202, isAlive: alive(4201, 4202) })
    assert.equal(await readFile(`${file}.lock`, 'utf8'), '4202\n')
    await first.release()
    assert.equal(await readFile(`${file}.lock`, 'utf8'), '4202\n', 'a released lock stays released')
    await second.release()
    assert.deepEqual(await readdir(dir), [])
  })

  test('a lock whose pid is dead is taken over', async () => {
    const { file } = await tempState()
    await writeFile(`${file}.lock`, '4301\n')
    const lock = await acquireStateLock(file, { pid: 4302, isAlive: alive(4302) })
    assert.equal(await readFile(`${file}.lock`, 'utf8'), '4302\n')
    await lock.release()
  })

  for (const [name, content] of [
    ['garbage', 'not a pid at all'],
    ['an empty file', ''],
    ['pid 0', '0\n'],
    ['a negative pid', '-12\n'],
  ] as const) {
    test(`a lock holding ${name} is taken over`, async () => {
      const { dir, file } = await tempState()
      await writeFile(`${file}.lock`, content)
      const lock = await acquireStateLock(file, { pid: 4401, isAlive: () => true })
      assert.equal(await readFile(`${file}.lock`, 'utf8'), '4401\n')
      await lock.release()
      assert.deepEqual(await readdir(dir), [])
    })
  }

  test('release leaves alone a lock that another process has taken over', async () => {
    const { file } = await tempState()
    const first = await acquireStateLock(file, { pid: 4501, isAlive: alive(4501) })
    // 4501 is now considered dead by the newcomer
    const second = await acquireStateLock(file, { pid: 4502, isAlive: alive(4502) })
    await first.release()
    assert.equal(await readFile(`${file}.lock`, 'utf8'), '4502\n')
    await second.release()
  })

  test('of many processes racing for a stale lock, exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const { dir, file } = await tempState()
      await writeFile(`${file}.lock`, '4600\n')
      const racers = Array.from({ length: 8 }, (_, i) => 4610 + i)
      const isAlive = (pid: number) => pid !== 4600
      const results = await Promise.allSettled(racers.map((pid) => acquireStateLock(file, { pid, isAlive })))
      const winners = results.filter((result) => result.status === 'fulfilled')
      assert.equal(winners.length, 1, `round ${round}: one winner`)
      const holder = Number(await readFile(`${file}.lock`, 'utf8'))
      assert.ok(racers.includes(holder))
      for (const result of results) {
        if (result.status === 'rejected') {
          assert.ok(result.reason instanceof ConfigError)
          assert.match(result.reason.message, /in use by restmock process \d+/)
        }
      }
      assert.deepEqual(await readdir(dir), ['state.json.lock'], 'no temporary files left behind')
    }
  })

  test('a lock naming our own pid, left by an earlier process that had it, is taken over', async () => {
    const { file } = await tempState()
    // a container's restmock is often pid 1 again after a crash and restart
    await writeFile(`${file}.lock`, `${process.pid}\n`)
    const lock = await acquireStateLock(file)
    await assert.rejects(acquireStateLock(file), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, new RegExp(`in use by restmock process ${process.pid} `))
      return true
    })
    await lock.release()
    const again = await acquireStateLock(file)
    await again.release()
  })

  test('acquisitions by this process are served one at a time: of several at once, one wins', async () => {
    const { dir, file } = await tempState()
    await writeFile(`${file}.lock`, `${process.pid}\n`)
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => acquireStateLock(file)))
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1)
    for (const result of results) if (result.status === 'fulfilled') await result.value.release()
    assert.deepEqual(await readdir(dir), [])
  })

  test('a takeover left half done by a process that died is cleared', async () => {
    const { dir, file } = await tempState()
    await writeFile(`${file}.lock`, '4700\n')
    await writeFile(`${file}.lock.takeover`, '4701\n')
    const lock = await acquireStateLock(file, { pid: 4702, isAlive: alive(4702) })
    assert.equal(await readFile(`${file}.lock`, 'utf8'), '4702\n')
    assert.deepEqual(await readdir(dir), ['state.json.lock'])
    await lock.release()
  })

  test('without injection, liveness is asked of the operating system', async () => {
    assert.equal(isProcessAlive(process.pid), true)
    const exited = spawnSync(process.execPath, ['-e', '']).pid
    assert.ok(exited !== undefined)
    assert.equal(isProcessAlive(exited), false)

    const { file } = await tempState()
    await writeFile(`${file}.lock`, `${exited}\n`)
    const lock = await acquireStateLock(file)
    assert.equal(await readFile(`${file}.lock`, 'utf8'), `${process.pid}\n`)
    await assert.rejects(acquireStateLock(file), /in use by restmock process/)
    await lock.release()
  })
})
