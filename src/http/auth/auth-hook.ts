import {
  authorize,
  bothOf,
  type Credentials,
  isReadMethod,
  OPTIONAL,
  type Requirement,
  requirementFor,
} from '../../core/auth/access-policy.ts'
import type { AuthConfig } from '../../core/auth/auth-config.ts'
import { CredentialReader } from '../../core/auth/credentials.ts'
import { RowAccess } from '../../core/auth/row-access.ts'
import { TokenService } from '../../core/auth/token-service.ts'
import type { Engine } from '../../core/engine.ts'
import { RestmockError } from '../../core/errors.ts'
import type { Manifest } from '../../core/manifest/model.ts'
import { problemResponse } from '../problem.ts'
import type { Fetch, Responder } from '../reply.ts'
import { headerOf } from '../request.ts'
import { authServerPaths, createOAuthApp } from './oauth-routes.ts'
import { setRowAccess } from './request-access.ts'

/** Auth simulation's settings; every one has a default. */
export interface AuthOptions {
  /** false serves the manifest's `auth` with every check off (CLI --auth off); default true */
  auth?: boolean
  /** GET /__restmock lists the demo credentials (passwords, secrets, keys) too (CLI --show-secrets) */
  showSecrets?: boolean
}

/** What auth works with, handed in by the app. */
export interface AuthDependencies {
  engine: Engine
  /** the resource routes' responder (the auth endpoints get the resources' CORS) */
  responder: Responder
  /** wall-clock epoch ms: token times and expiry */
  clock: () => number
  bodyLimit: number
  logError: (error: unknown) => void
}

/** A request handler that knows its path (the dispatcher's `api`). */
export type PathHandler = (request: Request, env: unknown, path: string) => Response | Promise<Response>

/** Auth as the app's dispatcher sees it. */
export interface AuthHook {
  config: AuthConfig
  tokens: TokenService
  /** true for the auth server's paths (OAuth endpoints, discovery, the login route) */
  owns(path: string): boolean
  /** the auth server */
  fetch: Fetch
  /** `api` behind the credential checks (itself when checks are off) */
  guard(api: PathHandler): PathHandler
  /** The 401 or 403 for a request that must carry a credential holding `scopes`; undefined: it may pass. */
  check(request: Request, env: unknown, scopes: readonly string[]): Promise<RestmockError | undefined>
  /** collections whose plain GET by id must not take the fast path (owned rows are checked in the routes) */
  ownedResources: ReadonlySet<string>
  /** header names the journal and log must redact (the API key header) */
  redactHeaders: readonly string[]
}

interface Rule {
  requirement: Requirement
  /** the routes need the caller's row rules (owned rows, protected related rows) */
  rows: boolean
}

/** The auth hook of a manifest with an `auth` block, else undefined (no cost at all). */
export function authHook(dependencies: AuthDependencies, options: AuthOptions): AuthHook | undefined {
  const { engine } = dependencies
  const manifest = engine.manifest
  const config = manifest.auth
  if (config === undefined) return undefined
  const tokens = new TokenService(config, dependencies.clock)
  const reader = new CredentialReader(config, tokens)
  const server = {
    config,
    tokens,
    reader,
    responder: dependencies.responder,
    basePath: manifest.basePath,
    bodyLimit: dependencies.bodyLimit,
  }
  const app = createOAuthApp(server, dependencies.logError)
  const enabled = options.auth !== false
  const ruleOf = rules(manifest, config)
  const owned = new Set<string>()
  if (enabled)
    for (const resource of Object.values(manifest.resources))
      if (resource.auth?.owner !== undefined) owned.add(resource.name)

  const guard = (api: PathHandler): PathHandler => {
    if (!enabled) return api
    const pass = (request: Request, env: unknown, path: string, rule: Rule, credentials: Credentials) => {
      const verdict = authorize(rule.requirement, credentials)
      if (verdict instanceof RestmockError)
        return problemResponse(
          verdict,
          path,
          dependencies.responder.corsFor(headerOf(request, env, 'origin')),
        )
      if (rule.rows) setRowAccess(request, new RowAccess(manifest, config, verdict))
      return api(request, env, path)
    }
    return (request, env, path) => {
      const rule = ruleOf(request.method, path, request.url)
      if (rule === undefined) return api(request, env, path)
      const credentials = reader.read((name) => headerOf(request, env, name))
      if (credentials instanceof Promise)
        return credentials.then((read) => pass(request, env, path, rule, read))
      return pass(request, env, path, rule, credentials)
    }
  }
  const check = async (request: Request, env: unknown, scopes: readonly string[]) => {
    if (!enabled) return undefined
    const credentials = await reader.read((name) => headerOf(request, env, name))
    const verdict = authorize({ scopes, required: true, user: false }, credentials)
    return verdict instanceof RestmockError ? verdict : undefined
  }
  return {
    config,
    tokens,
    check,
    owns: authServerPaths(server),
    fetch: app.fetch,
    guard,
    ownedResources: owned,
    redactHeaders: [config.apiKeys.header],
  }
}

const RELATED = /[?&](?:_embed|_expand)=/

/**
 * The rule for a request: its resource's requirement (a nested route's parent must be readable too),
 * or an optional read of credentials for a request that embeds or expands related rows. Undefined:
 * nothing to check.
 */
function rules(
  manifest: Manifest,
  config: AuthConfig,
): (method: string, path: string, url: string) => Rule | undefined {
  const prefix = `${manifest.basePath}/`
  const resourceOf = (name: string) =>
    Object.hasOwn(manifest.resources, name) ? manifest.resources[name] : undefined
  const owned = (name: string) => resourceOf(name)?.auth?.owner !== undefined
  const anyProtected = Object.values(manifest.resources).some(
    (resource) => requirementFor(config, resource, 'GET') !== undefined,
  )
  const related: Rule = { requirement: OPTIONAL, rows: true }
  // one resource's rules, made once: [GET/HEAD, other methods], each plain and with related rows
  const made = new Map<string, [Rule | undefined, Rule | undefined, Rule | undefined, Rule | undefined]>()
  for (const resource of Object.values(manifest.resources)) {
    const rule = (method: string, withRelated: boolean): Rule | undefined => {
      const requirement = requirementFor(config, resource, method)
      if (requirement === undefined) return withRelated ? related : undefined
      return { requirement, rows: owned(resource.name) || withRelated }
    }
    made.set(resource.name, [rule('GET', false), rule('POST', false), rule('GET', true), rule('POST', true)])
  }
  return (method, path, url) => {
    if (method === 'OPTIONS' || !path.startsWith(prefix)) return undefined
    const end = path.indexOf('/', prefix.length)
    const name = end === -1 ? path.slice(prefix.length) : path.slice(prefix.length, end)
    const rules = made.get(name)
    if (rules === undefined) return undefined
    const withRelated = anyProtected && RELATED.test(url)
    const second = end === -1 ? -1 : path.indexOf('/', end + 1)
    if (second === -1 || second === path.length - 1) {
      return rules[(isReadMethod(method) ? 0 : 1) + (withRelated ? 2 : 0)]
    }
    // a nested route: reading the parent, and the method on the child
    const childName = path.slice(second + 1).replace(/\/$/, '')
    const child = childName.includes('/') ? undefined : resourceOf(childName)
    const parent = resourceOf(name)!
    const requirement = bothOf(
      requirementFor(config, parent, 'GET'),
      child === undefined ? undefined : requirementFor(config, child, method),
    )
    if (requirement === undefined) return withRelated ? related : undefined
    const rows = owned(name) || (child !== undefined && owned(child.name)) || withRelated
    return { requirement, rows }
  }
}
