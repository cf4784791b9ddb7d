import { Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { ConfigError, RestmockError } from '../core/errors.ts'
import type { Rec, RecordId } from '../core/store.ts'
import { corsForOrigin } from './cors.ts'
import { type ExpressMiddleware, expressMiddleware } from './express-adapter.ts'
import { problemResponse, toRestmockError } from './problem.ts'
import type { Fetch } from './reply.ts'

/** One loaded `--middlewares` file or manifest `extensions` entry: its default export, as given. */
export interface Extension {
  /** the file, for messages */
  file: string
  handler: NativeExtension | ExpressMiddleware
}

/** What a native extension receives. */
export interface ExtensionApi {
  /** routes and middleware registered here run before the resource routes */
  app: Hono
  /** records through the engine: validated, persisted, journaled; errors as the HTTP API maps them */
  data: ExtensionData
}

export type NativeExtension = (api: ExtensionApi) => void | Promise<void>

export interface ExtensionData {
  list(resource: string): Rec[]
  get(resource: string, id: RecordId): Rec
  create(resource: string, body: Record<string, unknown>): Promise<Rec>
  patch(resource: string, id: RecordId, body: Record<string, unknown>): Promise<Rec>
  replace(resource: string, id: RecordId, body: Record<string, unknown>): Promise<Rec>
  remove(resource: string, id: RecordId): Promise<Rec>
}

export interface MountedExtensions {
  /** `next` (simulation, then the resource routes) wrapped in the extensions' routes and middleware */
  around(next: Fetch): Fetch
  /** settles once every async setup has finished; rejects with a ConfigError naming the file */
  ready: Promise<void>
}

export interface ExtensionContext {
  engine: Engine
  bodyLimit: number
  cors: boolean
  logError: (error: unknown) => void
}

/** A default export taking two or three parameters is an Express middleware; one, a native extension. */
export function isExpressMiddleware(handler: Extension['handler']): handler is ExpressMiddleware {
  return handler.length >= 2
}

/**
 * One Hono app holding every extension in the order given: Express middlewares become Hono middleware,
 * native extensions register on it directly. A request no extension answers falls through to `next`,
 * inside the middleware chain, so middleware that awaits `next()` sees and can change the API's answer.
 */
export function mountExtensions(
  extensions: readonly Extension[],
  context: ExtensionContext,
): MountedExtensions {
  const app = new Hono({ strict: false })
  const forwarded = new WeakMap<Request, Request>()
  const corsFor = corsForOrigin(context.cors)
  // answers of the extensions get the CORS headers every API answer has
  app.use('*', async (c, proceed) => {
    await proceed()
    if (c.res.headers.has('access-control-allow-origin')) return
    for (const [name, value] of Object.entries(corsFor(c.req.header('origin'))))
      if (!c.res.headers.has(name)) c.header(name, value)
  })
  const api: ExtensionApi = { app, data: extensionData(context.engine) }
  const setups: Promise<void>[] = []
  for (const { file, handler } of extensions) {
    if (isExpressMiddleware(handler)) {
      app.use('*', expressMiddleware(handler, context.bodyLimit, forwarded))
      continue
    }
    try {
      const result = handler(api)
      if (result instanceof Promise) setups.push(result.catch((error: unknown) => setupFailed(file, error)))
    } catch (error) {
      setupFailed(file, error)
    }
  }
  let next: Fetch = () => {
    throw new Error('extensions used before being mounted')
  }
  app.notFound((c) => next(forwarded.get(c.req.raw) ?? c.req.raw, c.env))
  app.onError((error, c) => problemResponse(toRestmockError(error, context.logError), c.req.path))
  return {
    around(inner) {
      next = inner
      return (request, env) => app.fetch(request, env)
    },
    ready: Promise.all(setups).then(() => {}),
  }
}

function setupFailed(file: string, error: unknown): never {
  const reason = error instanceof Error ? error.message : String(error)
  throw new ConfigError(`the extension ${file} failed while setting up: ${reason}`, [])
}

/** The engine's record operations, handing out copies so no caller can change a stored record in place. */
function extensionData(engine: Engine): ExtensionData {
  const copy = (record: Rec): Rec => structuredClone(record)
  const body = (value: unknown): Record<string, unknown> => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>
    throw new RestmockError('invalid_body', 'the body must be an object')
  }
  return {
    list: (resource) => engine.list(resource).map(copy),
    get: (resource, id) => copy(engine.get(resource, id)),
    create: async (resource, value) => copy(await engine.create(resource, body(value))),
    patch: async (resource, id, value) => copy(await engine.patch(resource, id, body(value))),
    replace: async (resource, id, value) => copy(await engine.replace(resource, id, body(value))),
    remove: async (resource, id) => copy(await engine.remove(resource, id)),
  }
}
