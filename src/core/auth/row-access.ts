import { RestmockError } from '../errors.ts'
import type { Manifest, ResourceDef } from '../manifest/model.ts'
import type { RelationReader } from '../query/execute.ts'
import type { Rec } from '../store.ts'
import { authorize, type Caller, requirementFor } from './access-policy.ts'
import type { AuthConfig } from './auth-config.ts'

const NONE = { status: 'none' } as const

/**
 * What one request may see and change, row by row: rows of an `owner` resource belong to the user
 * whose id (`sub`) their owner field holds, and related rows (`_embed`, `_expand`) appear only when
 * the caller could read them directly.
 */
export class RowAccess {
  private readonly manifest: Manifest
  private readonly config: AuthConfig
  private readonly caller: Caller | undefined
  private readonly readable = new Map<string, boolean>()

  constructor(manifest: Manifest, config: AuthConfig, caller: Caller | undefined) {
    this.manifest = manifest
    this.config = config
    this.caller = caller
  }

  /** The user the caller acts as, if any. */
  get user(): string | undefined {
    return this.caller?.user
  }

  /** The owner field of a resource whose rows are owned, else undefined. */
  ownerField(resource: ResourceDef): string | undefined {
    return resource.auth?.owner
  }

  /** True when the caller may see this row of `resource` (always, for resources without an owner). */
  owns(resource: ResourceDef, record: Rec): boolean {
    const field = resource.auth?.owner
    if (field === undefined) return true
    return this.caller?.user !== undefined && record[field] === this.caller.user
  }

  /** The rows of `resource` the caller may see. */
  visibleRows(resource: ResourceDef, records: readonly Rec[]): readonly Rec[] {
    if (resource.auth?.owner === undefined) return records
    return records.filter((record) => this.owns(resource, record))
  }

  /** 404 for a row the caller does not own: the mock does not reveal that it exists. */
  checkOwned(resource: ResourceDef, record: Rec): void {
    if (!this.owns(resource, record)) {
      throw new RestmockError('not_found', `${resource.name} ${JSON.stringify(record.id)} does not exist`)
    }
  }

  /** A request body with the owner field set to the caller (rows cannot be created for, or given to, another user). */
  withOwner(resource: ResourceDef, body: Record<string, unknown>): Record<string, unknown> {
    const field = resource.auth?.owner
    if (field === undefined || this.caller?.user === undefined) return body
    return { ...body, [field]: this.caller.user }
  }

  /** True when the caller could GET `resource` itself (its scopes, a user for owned rows). */
  canRead(name: string): boolean {
    let verdict = this.readable.get(name)
    if (verdict === undefined) {
      const resource = this.manifest.resources[name]
      const requirement = resource === undefined ? undefined : requirementFor(this.config, resource, 'GET')
      if (requirement === undefined) verdict = true
      else {
        const credentials =
          this.caller === undefined ? NONE : ({ status: 'ok', caller: this.caller } as const)
        const result = authorize(requirement, credentials)
        verdict = result !== undefined && !(result instanceof RestmockError)
      }
      this.readable.set(name, verdict)
    }
    return verdict
  }

  /** `reader` showing only the related rows the caller may read. */
  relations(reader: RelationReader): RelationReader {
    return {
      find: (resource, id) => {
        const record = reader.find(resource, id)
        return record !== undefined && this.mayRead(resource, record) ? record : undefined
      },
      childrenOf: (child, field, parentId) => {
        const rows = reader.childrenOf(child, field, parentId)
        if (!this.canRead(child)) return []
        const resource = this.manifest.resources[child]
        return resource === undefined ? rows : this.visibleRows(resource, rows)
      },
    }
  }

  private mayRead(name: string, record: Rec): boolean {
    if (!this.canRead(name)) return false
    const resource = this.manifest.resources[name]
    return resource === undefined || this.owns(resource, record)
  }
}
