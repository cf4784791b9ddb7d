import type { Context } from 'hono'
import type { Engine } from '../core/engine.ts'
import type { ResourceDef } from '../core/manifest/types.ts'
import type { Responder } from './respond.ts'

/** GET /name: the collection (the query engine of issue 3 plugs in here). */
export function handleList(
  c: Context,
  engine: Engine,
  resource: ResourceDef,
  responder: Responder,
): Response {
  const records = engine.list(resource.name)
  return responder.json(c, 200, JSON.stringify(records), { 'x-total-count': String(records.length) })
}
