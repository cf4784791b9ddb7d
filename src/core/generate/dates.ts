import type { Random } from '../random.ts'
import type { StateData } from '../store.ts'

/** How far from `now` a date-like field lies; see inferDateRange for which names map where. */
export type DateRange = 'recent' | 'years' | 'birth' | 'future' | 'around'

const DAY = 86_400_000
const YEAR = 365 * DAY

/** [from, to] offsets from now in ms */
const RANGES: Readonly<Record<DateRange, readonly [number, number]>> = {
  recent: [-YEAR, 0],
  years: [-5 * YEAR, 0],
  birth: [-80 * YEAR, -18 * YEAR],
  future: [DAY, 90 * DAY],
  around: [-90 * DAY, 90 * DAY],
}

/** A whole-second instant in `range` around `now`. */
export function randomInstant(range: DateRange, now: Date, random: Random): number {
  const [from, to] = RANGES[range]
  const ms = now.getTime() + from + random() * (to - from)
  return Math.floor(ms / 1000) * 1000
}

/** RFC 3339 without milliseconds, as people write them: 2026-01-14T10:02:11Z */
export function formatDateTime(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  const days = Math.floor(seconds / 86_400)
  const time = seconds - days * 86_400
  const hours = Math.floor(time / 3600)
  const minutes = Math.floor((time % 3600) / 60)
  return `${civilDate(days)}T${pad2(hours)}:${pad2(minutes)}:${pad2(time % 60)}Z`
}

export function formatDate(ms: number): string {
  return civilDate(Math.floor(ms / DAY))
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/**
 * YYYY-MM-DD of a day count since 1970-01-01 (proleptic Gregorian, years 0-9999). Howard Hinnant's
 * days-to-civil algorithm: several times faster than Date#toISOString, which dominated generation time.
 */
function civilDate(days: number): string {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const dayOfEra = z - era * 146_097
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`
}

/** createdAt in the past year, updatedAt between it and now (often equal: many records are never edited). */
export function recentTimestamps(now: Date, random: Random): { createdAt: string; updatedAt: string } {
  const created = randomInstant('recent', now, random)
  const edited =
    random() < 0.4 ? created : created + Math.floor((random() * (now.getTime() - created)) / 1000) * 1000
  return { createdAt: formatDateTime(created), updatedAt: formatDateTime(edited) }
}

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
