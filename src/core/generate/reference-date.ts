import type { StateData } from '../state.ts'

/**
 * Generated dates lie around a reference instant, never around the clock, so the same seed gives the same
 * data on every run, machine and day. Without seed data to go by, it is this fixed instant.
 */
export const GENERATION_EPOCH: Date = new Date('2026-11-01T00:00:00Z')

/**
 * The latest createdAt/updatedAt in the seed data (generated records then look as recent as the
 * hand-written ones), else GENERATION_EPOCH.
 */
export function referenceDate(existing: StateData | undefined): Date {
  let latest = Number.NEGATIVE_INFINITY
  for (const value of Object.values(existing ?? {})) {
    const records = Array.isArray(value) ? value : [value]
    for (const record of records) {
      for (const key of ['createdAt', 'updatedAt']) {
        const text = record?.[key]
        if (typeof text !== 'string') continue
        const time = Date.parse(text)
        if (time > latest) latest = time
      }
    }
  }
  return Number.isFinite(latest) ? new Date(latest) : GENERATION_EPOCH
}
