import assert from 'node:assert/strict'
import { test } from 'node:test'
import { withYoungGenerationHeld } from '../../src/cli/young-generation.ts'

test('loading with the young generation held returns what the load returns and passes its errors on', async () => {
  assert.equal(await withYoungGenerationHeld(async () => 42), 42)
  await assert.rejects(
    withYoungGenerationHeld(async () => {
      throw new Error('bad data file')
    }),
    /bad data file/,
  )
})
