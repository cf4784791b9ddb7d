import assert from 'node:assert/strict'
import { test } from 'node:test'
import { idleTrimmer } from '../../src/server/idle-heap-trim.ts'

test('one collection per idle stretch: when a period is idle after start or after busy periods', () => {
  let collections = 0
  const trimmer = idleTrimmer(() => collections++)
  const periods = [0.002, 0, 0.001, 0.6, 0.9, 0.3, 0.004, 0, 0.02, 0.005]
  const after: number[] = []
  for (const utilization of periods) {
    trimmer.check(utilization)
    after.push(collections)
  }
  assert.deepEqual(after, [1, 1, 1, 1, 1, 1, 2, 2, 2, 3])
})
