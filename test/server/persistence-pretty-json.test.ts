import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createRandom, randomInt } from '../../src/core/random.ts'
import type { StateData } from '../../src/core/store.ts'
import { prettyStateJson } from '../../src/server/persistence/pretty-json.ts'

const neverYield = { yieldTurn: async () => {}, now: () => 0, budgetMs: 10 }

function randomValue(random: () => number, depth: number): unknown {
  const kind = randomInt(random, 0, depth > 2 ? 3 : 5)
  if (kind === 0) return randomInt(random, -1000, 1000) / 8
  if (kind === 1)
    return ['', 'plain', 'line\nbreak', 'quote " and \\', 'ünïcode \u2028', '{"x": [1]}'][
      randomInt(random, 0, 5)
    ]
  if (kind === 2) return random() < 0.5
  if (kind === 3) return null
  if (kind === 4) return Array.from({ length: randomInt(random, 0, 3) }, () => randomValue(random, depth + 1))
  const entries = Array.from({ length: randomInt(random, 0, 3) }, (_, i) => [
    `k${i}`,
    randomValue(random, depth + 1),
  ])
  return Object.fromEntries(entries)
}

describe('prettyStateJson', () => {
  test('is byte for byte JSON.stringify(data, null, 2) (what lowdb JSONFile writes)', async () => {
    const fixed: StateData[] = [
      {},
      { posts: [] },
      { posts: [{}], profile: {} },
      { posts: [{ id: 1, tags: [], nested: { a: [1, { b: 'x\ny' }] } }, { id: 2 }], profile: { name: 'n' } },
      { 'we"ird': [{ id: 'a' }], empty: {}, list: [{ id: 1 }, { id: 2 }, { id: 3 }] },
    ]
    for (const data of fixed)
      assert.equal(await prettyStateJson(data, neverYield), JSON.stringify(data, null, 2))
    const random = createRandom(7)
    for (let round = 0; round < 200; round++) {
      const data: StateData = {}
      for (let r = 0; r < randomInt(random, 0, 4); r++) {
        data[`r${r}`] =
          random() < 0.7
            ? Array.from({ length: randomInt(random, 0, 5) }, () => ({
                id: r,
                value: randomValue(random, 0),
              }))
            : { value: randomValue(random, 0) }
      }
      assert.equal(await prettyStateJson(data, neverYield), JSON.stringify(data, null, 2))
    }
  })

  test('yields to the event loop once a slice has used its budget, and the text is unchanged', async () => {
    const posts = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1, title: `post ${i}` }))
    let clock = 0
    let yields = 0
    const text = await prettyStateJson(
      { posts },
      {
        // every check of the clock finds 1 ms more: each 256-record check exceeds a 2 ms budget after two
        now: () => clock++,
        yieldTurn: async () => {
          yields++
        },
        budgetMs: 2,
      },
    )
    assert.equal(text, JSON.stringify({ posts }, null, 2))
    assert.ok(yields >= 3, `yielded ${yields} times`)
  })
})
