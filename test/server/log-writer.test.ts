import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bufferedWriter } from '../../src/server/log-writer.ts'

function capture() {
  const chunks: Array<{ text: string; lines: number }> = []
  const writer = bufferedWriter((chunk, lines) => chunks.push({ text: chunk.toString('utf8'), lines }))
  return { chunks, writer }
}

test('request log lines are buffered as bytes and written in order, with their count', () => {
  const { chunks, writer } = capture()
  writer.line('GET /posts/1 200 0.1ms')
  writer.line('POST /posts 201 0.4ms (simulated: latency 20ms) é ✓')
  assert.deepEqual(chunks, [], 'nothing is written before a flush')
  writer.flush()
  writer.flush()
  assert.deepEqual(chunks, [
    { text: 'GET /posts/1 200 0.1ms\nPOST /posts 201 0.4ms (simulated: latency 20ms) é ✓\n', lines: 2 },
  ])
})

test('a full buffer is flushed first; a line longer than the buffer is written on its own, in order', () => {
  const { chunks, writer } = capture()
  const line = 'x'.repeat(1000)
  for (let i = 0; i < 30; i++) writer.line(line)
  const huge = 'y'.repeat(70_000)
  writer.line(huge)
  writer.line('after')
  writer.flush()
  const text = chunks.map((chunk) => chunk.text).join('')
  assert.equal(text, `${`${line}\n`.repeat(30)}${huge}\nafter\n`)
  assert.equal(
    chunks.reduce((sum, chunk) => sum + chunk.lines, 0),
    32,
  )
  assert.ok(chunks.length >= 3)
})
