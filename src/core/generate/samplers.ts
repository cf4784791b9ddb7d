import type { Random } from '../random.ts'

/** Picks from a list so that every value shows up: a shuffled deck, reshuffled when it runs out. */
export function deck<T>(values: readonly T[], random: Random): () => T {
  const cards = [...values]
  let next = cards.length
  return () => {
    if (next === cards.length) {
      shuffle(cards, random)
      next = 0
    }
    return cards[next++]!
  }
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = items[i]!
    items[i] = items[j]!
    items[j] = swap
  }
}

/**
 * Draws the integers 0..size-1 in random order without repeats (a lazy Fisher-Yates over a sparse map,
 * so a range of a billion costs nothing up front); undefined once all are drawn.
 */
export function drawWithoutRepeats(size: number, random: Random): () => number | undefined {
  const moved = new Map<number, number>()
  let drawn = 0
  return () => {
    if (drawn >= size) return undefined
    const j = drawn + Math.floor(random() * (size - drawn))
    const picked = moved.get(j) ?? j
    moved.set(j, moved.get(drawn) ?? drawn)
    moved.delete(drawn)
    drawn++
    return picked
  }
}
