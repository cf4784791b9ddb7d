import type { Context } from 'hono'
import type { RowAccess } from '../../core/auth/row-access.ts'
import type { ResourceDef } from '../../core/manifest/model.ts'
import type { RelationReader } from '../../core/query/execute.ts'
import type { Rec } from '../../core/store.ts'

/**
 * The row rules of each request that needs them (owned rows, protected related rows), set by the auth
 * gate before the routes run. A request without them (no auth, `--auth off`, an open resource without
 * relations) sees every row, exactly as before.
 */
const access = new WeakMap<Request, RowAccess>()

export function setRowAccess(request: Request, rows: RowAccess): void {
  access.set(request, rows)
}

export function rowAccessOf(c: Context): RowAccess | undefined {
  return access.get(c.req.raw)
}

/** The rows of a list the caller may see. */
export function visibleRows(c: Context, resource: ResourceDef, records: readonly Rec[]): readonly Rec[] {
  return access.get(c.req.raw)?.visibleRows(resource, records) ?? records
}

/** The record itself, or a 404 when it belongs to another user. */
export function ownedRecord(c: Context, resource: ResourceDef, record: Rec): Rec {
  access.get(c.req.raw)?.checkOwned(resource, record)
  return record
}

/** A create or write body with its owner field set from the caller's token. */
export function ownedBody(
  c: Context,
  resource: ResourceDef,
  body: Record<string, unknown>,
): Record<string, unknown> {
  return access.get(c.req.raw)?.withOwner(resource, body) ?? body
}

/** What `_embed` and `_expand` may read for this request. */
export function relationsFor(c: Context, reader: RelationReader): RelationReader {
  return access.get(c.req.raw)?.relations(reader) ?? reader
}

/** Keeps Idempotency-Key replays per user on owned rows ('' when there is no such caller). */
export function requestScope(c: Context): string {
  const user = access.get(c.req.raw)?.user
  return user === undefined ? '' : `\u0000${user}`
}
