import { writeFile } from 'node:fs/promises'
import { createRandom, randomInt } from '../src/core/random.ts'

const WORDS = [
  'alpha',
  'bravo',
  'cedar',
  'delta',
  'ember',
  'falcon',
  'garnet',
  'harbor',
  'indigo',
  'juniper',
  'kestrel',
  'lagoon',
  'meadow',
  'nectar',
  'orchid',
  'pepper',
  'quartz',
  'raven',
  'saffron',
  'timber',
]
const AUTHORS = [
  'Ada Lovelace',
  'Grace Hopper',
  'Alan Turing',
  'Edsger Dijkstra',
  'Barbara Liskov',
  'Ken Thompson',
]

/** A word in about one title in four: `q` for it returns thousands of records (a large body). */
export const COMMON_WORD = 'saffron'
/** A word in one title in a thousand: `q` for it returns about as many records as `views=500`. */
export const SEARCH_WORD = 'zephyr'

/** A json-server style db.json with `count` posts (seeded, so every run serves the same data). */
export function postsDb(count: number, seed = 42): { posts: Record<string, unknown>[] } {
  const random = createRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[randomInt(random, 0, list.length - 1)]!
  const posts = Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    title: `${pick(WORDS)} ${pick(WORDS)} ${i % 1000 === 999 ? SEARCH_WORD : pick(WORDS)}`,
    views: randomInt(random, 0, 999),
    author: { name: pick(AUTHORS) },
    tags: [pick(WORDS), pick(WORDS)],
    published: random() < 0.7,
  }))
  return { posts }
}

/** Writes the db.json pretty-printed (as json-server and restmock write it); returns both sizes in bytes. */
export async function writePostsDb(
  path: string,
  count: number,
): Promise<{ bytes: number; compactBytes: number }> {
  const data = postsDb(count)
  const text = JSON.stringify(data, null, 2)
  await writeFile(path, text)
  return { bytes: Buffer.byteLength(text), compactBytes: Buffer.byteLength(JSON.stringify(data)) }
}
