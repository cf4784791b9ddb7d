import { compilePathPattern } from './simulation/routes.ts'

/** One request as the server saw it and what it answered, for tests that check what a client sent. */
export interface JournalEntry {
  id: number
  /** epoch ms when the request arrived */
  time: number
  method: string
  /** full request path (basePath included), without the query string */
  path: string
  /** the raw query string (after "?", '' for none): parsed only when the journal is read */
  queryString: string
  /** as received (credentials are redacted when the journal is read, not here) */
  headers: Readonly<Record<string, string | string[] | undefined>>
  /** the parsed JSON body of a request that sent one (its text if it was not JSON), or a truncated prefix */
  requestBody?: unknown
  /** status sent, or 0 when a connection fault meant none was */
  status: number
  durationMs: number
  /** what simulation did to it, such as "latency 120ms", "failure 503 (scripted)" or "fault reset (request)" */
  simulated?: string
  /** what was sent back; absent when nothing was (a connection fault) */
  response?: JournalResponse
  /** the session the request worked on (X-Restmock-Session or /__session/<id>); absent: the shared state */
  session?: string
  /** approximate bytes the entry keeps alive, counted against the journal's byte limit (default 0) */
  bytes?: number
}

export interface JournalResponse {
  headers: Readonly<Record<string, string | string[] | undefined>>
  /** the body text, null for none, or a truncated prefix; set later when `pending` */
  body: string | null | TruncatedBody
  /** the body is still being read (a response that was not built from text) */
  pending?: Promise<void>
}

/** A body longer than the journal keeps: its size and the first part of its text. */
export interface TruncatedBody {
  truncated: true
  /** the whole body's size in bytes (UTF-8) */
  bytes: number
  /** the first bytes of the body, decoded as UTF-8 */
  text: string
}

export interface JournalFilter {
  /** case-insensitive */
  method?: string
  /** exact path or a pattern with `:param` segments and a final `*` */
  path?: string
  /** exact status (`503`), a class (`5xx`), or `0` for requests a connection fault left unanswered */
  status?: string
  /** requests of this session only */
  session?: string
}

export const DEFAULT_JOURNAL_CAPACITY = 1000
/** Default limit on the bytes the journal keeps (bodies, headers, paths), beyond its entry count. */
export const DEFAULT_JOURNAL_BYTES: number = 16 * 1024 * 1024

/**
 * The last requests in a ring buffer, bounded twice: at most `capacity` entries, and at most `maxBytes`
 * of what they keep (each entry says how much it holds); the oldest entries go first. Recording is
 * O(1) apart from evictions. The newest entry is always kept, even alone above `maxBytes`.
 */
export class RequestJournal {
  readonly capacity: number
  readonly maxBytes: number
  #slots: Array<JournalEntry | undefined>
  /** slot of the oldest entry */
  #first = 0
  #size = 0
  #bytes = 0
  #nextId = 1

  constructor(capacity: number = DEFAULT_JOURNAL_CAPACITY, maxBytes: number = DEFAULT_JOURNAL_BYTES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('journal capacity must be >= 1')
    if (!(maxBytes >= 1)) throw new RangeError('journal byte limit must be >= 1')
    this.capacity = capacity
    this.maxBytes = maxBytes
    this.#slots = new Array<JournalEntry | undefined>(capacity)
  }

  get size(): number {
    return this.#size
  }

  /** Approximate bytes held by the entries now in the journal. */
  get bytes(): number {
    return this.#bytes
  }

  record(entry: Omit<JournalEntry, 'id'>): JournalEntry {
    const stored: JournalEntry = { id: this.#nextId++, ...entry }
    if (this.#size === this.capacity) this.#dropOldest()
    this.#slots[(this.#first + this.#size) % this.capacity] = stored
    this.#size++
    this.#bytes += stored.bytes ?? 0
    this.#trim()
    return stored
  }

  /** An entry grew after it was recorded (a body read later); evicts older entries if needed. */
  grow(entry: JournalEntry, bytes: number): void {
    entry.bytes = (entry.bytes ?? 0) + bytes
    if (!this.#holds(entry)) return
    this.#bytes += bytes
    this.#trim()
  }

  /** Matching entries, oldest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const matches = entryFilter(filter)
    const result: JournalEntry[] = []
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#slots[(this.#first + i) % this.capacity]!
      if (matches(entry)) result.push(entry)
    }
    return result
  }

  clear(): void {
    this.#slots = new Array<JournalEntry | undefined>(this.capacity)
    this.#first = 0
    this.#size = 0
    this.#bytes = 0
  }

  #holds(entry: JournalEntry): boolean {
    if (this.#size === 0) return false
    const oldest = this.#slots[this.#first]!
    const newest = this.#slots[(this.#first + this.#size - 1) % this.capacity]!
    // ids are consecutive from the oldest to the newest entry held
    return (
      entry.id >= oldest.id &&
      entry.id <= newest.id &&
      this.#slots[(this.#first + entry.id - oldest.id) % this.capacity] === entry
    )
  }

  #trim(): void {
    while (this.#bytes > this.maxBytes && this.#size > 1) this.#dropOldest()
  }

  #dropOldest(): void {
    const oldest = this.#slots[this.#first]!
    this.#slots[this.#first] = undefined
    this.#first = (this.#first + 1) % this.capacity
    this.#size--
    this.#bytes -= oldest.bytes ?? 0
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
    if (filter.session !== undefined && entry.session !== filter.session) return false
    if (method !== undefined && entry.method !== method) return false
    if (pattern !== undefined && !pattern.matches(entry.path)) return false
    if (statusClass !== undefined) return String(entry.status)[0] === statusClass
    if (status !== undefined) return String(entry.status) === status
    return true
  }
}
