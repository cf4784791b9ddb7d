import assert from 'node:assert/strict'
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Engine } from '../../src/core/engine.ts'
import { startMock } from '../../src/server/start-mock.ts'
import { tempDir } from '../support/cli-helpers.ts'
import { until } from '../support/file-edits.ts'
import { json } from '../support/helpers.ts'

/** The engine's replacement listeners (private: counted here to prove that retired apps let go). */
function listenerCount(engine: Engine): number {
  return (engine as unknown as { replacedListeners: unknown[] }).replacedListeners.length
}

test('watch: 20 manifest reloads leave the engine with the listeners of the serving app only', async (t) => {
  const lines: string[] = []
  t.mock.method(console, 'error', (line: string) => lines.push(line))
  const dir = await tempDir('restmock-watch-listeners-')
  const manifest = join(dir, 'restmock.yaml')
  await writeFile(manifest, 'resources:\n  posts: {}\n')
  const mock = await startMock({ source: manifest, watch: true, watchDebounceMs: 5 })
  try {
    const before = listenerCount(mock.engine)
    assert.ok(before > 0)
    const reloads = (): number => lines.filter((line) => /manifest reloaded/.test(line)).length
    for (let i = 1; i <= 20; i++) {
      await writeFile(`${manifest}.tmp`, `resources:\n  posts: {}\n  tags${i}: {}\n`)
      await rename(`${manifest}.tmp`, manifest)
      await until(`reload ${i}`, () => reloads() === i)
      assert.equal(listenerCount(mock.engine), before, `after reload ${i}`)
    }
    assert.equal((await fetch(`${mock.url}/tags20`)).status, 200)

    // the serving app's listener still works: a reset forgets idempotent replays
    const post = () => fetch(`${mock.url}/posts`, json('POST', { title: 'x' }, { 'idempotency-key': 'k1' }))
    const first = (await (await post()).json()) as { id: number }
    assert.equal(((await (await post()).json()) as { id: number }).id, first.id, 'replayed')
    await mock.reset()
    assert.equal((await post()).status, 201)
    assert.equal(((await (await fetch(`${mock.url}/posts`)).json()) as unknown[]).length, 1)
  } finally {
    await mock.close()
  }
})
