import type { Manifest, Relation } from '../manifest/model.ts'
import { singular } from '../manifest/zero-config.ts'

/** `_embed=comments` on posts: each post gets `comments: [...]`, the comments whose `field` holds its id. */
export interface EmbedSpec {
  key: string
  child: string
  field: string
}

/**
 * `_expand=post` on comments: each comment gets `post: {...}`, the record its `field` points to. With `many`
 * (`_expand=tags` on posts with `tagIds: [1, 4]`) the key gets the array of records the ids point to.
 */
export interface ExpandSpec {
  key: string
  parent: string
  field: string
  many?: true
}

function isCollection(manifest: Manifest, name: string): boolean {
  return Object.hasOwn(manifest.resources, name) && manifest.resources[name]?.singleton === false
}

/** The relation behind `_embed=<child>` on `resource` (and behind `/resource/:id/<child>`). */
export function findChildRelation(manifest: Manifest, resource: string, child: string): Relation | undefined {
  const candidates = manifest.relations.filter((r) => r.parent === resource && r.child === child)
  const conventional = `${singular(resource)}Id`
  return candidates.find((r) => r.field === conventional) ?? candidates[0]
}

export function resolveEmbed(
  manifest: Manifest,
  resource: string,
  name: string,
  conventions: boolean,
): EmbedSpec | undefined {
  const relation = findChildRelation(manifest, resource, name)
  if (relation !== undefined) return { key: name, child: name, field: relation.field }
  // json-server 0.17 embeds any collection by the convention, even before it holds a record
  if (conventions && isCollection(manifest, name))
    return { key: name, child: name, field: `${singular(resource)}Id` }
  return undefined
}

/** `_expand` accepts the foreign key without its `Id` suffix (`author` for authorId) or the parent's singular. */
export function resolveExpand(
  manifest: Manifest,
  resource: string,
  name: string,
  conventions: boolean,
): ExpandSpec | undefined {
  const own = manifest.relations.filter((r) => r.child === resource)
  const many = own.filter((r) => r.many === true)
  const manyRelation = many.find((r) => manyName(r) === name) ?? many.find((r) => r.parent === name)
  if (manyRelation !== undefined)
    return { key: name, parent: manyRelation.parent, field: manyRelation.field, many: true }
  const single = own.filter((r) => r.many !== true)
  const relation =
    single.find((r) => foreignKeyName(r.field) === name) ??
    single.find((r) => singular(r.parent) === name || r.parent === name)
  if (relation !== undefined) return { key: name, parent: relation.parent, field: relation.field }
  if (conventions) {
    const parent = Object.keys(manifest.resources).find(
      (r) => isCollection(manifest, r) && singular(r) === name,
    )
    if (parent !== undefined) return { key: name, parent, field: `${name}Id` }
  }
  return undefined
}

export function embedNames(manifest: Manifest, resource: string): string[] {
  return [...new Set(manifest.relations.filter((r) => r.parent === resource).map((r) => r.child))]
}

export function expandNames(manifest: Manifest, resource: string): string[] {
  return manifest.relations
    .filter((r) => r.child === resource)
    .map((r) => (r.many === true ? manyName(r) : foreignKeyName(r.field)))
}

/**
 * The name a many-to-many relation goes by in `_expand`: tagIds -> tags, tag_ids -> tags, relatedPostIds ->
 * relatedPosts, categoryIds (ref categories) -> categories; a field without the suffix keeps its name.
 */
export function manyName(relation: Relation): string {
  const match = /^(.+?)(?:Ids|_ids|IDs)$/.exec(relation.field)
  if (match === null) return relation.field
  const stem = match[1]!
  return singular(relation.parent) === stem ? relation.parent : `${stem}s`
}

/** authorId -> author, author_id -> author, owner -> owner */
function foreignKeyName(field: string): string {
  const match = /^(.+?)(?:Id|_id|ID)$/.exec(field)
  return match === null ? field : match[1]!
}
