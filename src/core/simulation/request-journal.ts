import { compilePathPattern } from './route-pattern.ts'

/** One request as the server saw it, for tests that check what a client sent. */
export interface JournalEntry {
  id: number
  /** epoch ms when the request arrived */
  time: number
  method: string
  /** full request path (basePath included), without the query string */
  path: string
  /** the raw query string (after "?", '' for none): parsed only when the journal is read */
  queryString: string
  headers: Readonly<Record<string, string>>
  /** parsed JSON body of a request that sent one */
  requestBody?: unknown
  /** status sent, or 0 when a connection fault meant none was */
  status: number
  durationMs: number
  /** what simulation did to it, such as "latency 120ms", "failure 503 (scripted)" or "fault reset (request)" */
  simulated?: string
}

export interface JournalFilter {
  /** case-insensitive */
  method?: string
  /** exact path or a pattern with `:param` segments and a final `*` */
  path?: string
  /** exact status (`503`), a class (`5xx`), or `0` for requests a connection fault left unanswered */
  status?: string
}

export const DEFAULT_JOURNAL_CAPACITY = 1000

/** The last `capacity` requests in a ring buffer: recording is O(1) and memory is bounded. */
export class RequestJournal {
  readonly capacity: number
  #slots: Array<JournalEntry | undefined>
  #next = 0
  #size = 0
  #nextId = 1

  constructor(capacity = DEFAULT_JOURNAL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('journal capacity must be >= 1')
    this.capacity = capacity
    this.#slots = new Array<JournalEntry | undefined>(capacity)
  }

  get size(): number {
    return this.#size
  }

  record(entry: Omit<JournalEntry, 'id'>): JournalEntry {
    const stored = { id: this.#nextId++, ...entry }
    this.#slots[this.#next] = stored
    this.#next = (this.#next + 1) % this.capacity
    if (this.#size < this.capacity) this.#size++
    return stored
  }

  /** Matching entries, oldest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const matches = entryFilter(filter)
    const result: JournalEntry[] = []
    const first = (this.#next - this.#size + this.capacity) % this.capacity
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#slots[(first + i) % this.capacity]!
      if (matches(entry)) result.push(entry)
    }
    return result
  }

  clear(): void {
    this.#slots = new Array<JournalEntry | undefined>(this.capacity)
    this.#next = 0
    this.#size = 0
  }
}

/** Problem with a filter value, or undefined when it is usable. */
export function checkJournalFilter(filter: JournalFilter): string | undefined {
  if (filter.status !== undefined && !/^(?:[1-5](?:\d\d|xx)|0)$/i.test(filter.status)) {
    return `status must be a status code (such as 503), a class (such as 5xx) or 0 (no response), got "${filter.status}"`
  }
  if (filter.path !== undefined && !filter.path.startsWith('/')) {
    return `path must start with "/", got "${filter.path}"`
  }
  return undefined
}

function entryFilter(filter: JournalFilter): (entry: JournalEntry) => boolean {
  const method = filter.method?.toUpperCase()
  const pattern = filter.path === undefined ? undefined : compilePathPattern(filter.path)
  const status = filter.status?.toLowerCase()
  const statusClass = status?.endsWith('xx') ? status[0] : undefined
  return (entry) => {
    if (method !== undefined && entry.method !== method) return false
    if (pattern !== undefined && !pattern.matches(entry.path)) return false
    if (statusClass !== undefined) return String(entry.status)[0] === statusClass
    if (status !== undefined) return String(entry.status) === status
    return true
  }
}
