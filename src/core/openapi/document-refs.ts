import type { Issue } from '../manifest/model.ts'
import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'

/** An RFC 6901 pointer token as written in a pointer (~0, ~1). */
export function pointerToken(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1')
}

/** Decodes one token, tolerating what Redocly tolerates: unencoded `{}` and stray `%`. */
function decodeToken(token: string): string {
  let text = token
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text)
    } catch {
      // a lone % stays as written
    }
  }
  return text.replaceAll('~1', '/').replaceAll('~0', '~')
}

/**
 * Local `$ref`s of one bundled document (external files were already merged in by the server layer).
 * Lookups are cached; a chain of refs that loops back on itself resolves to undefined.
 */
export class DocumentRefs {
  readonly document: PlainObject
  private readonly cache = new Map<string, unknown>()

  constructor(document: PlainObject) {
    this.document = document
  }

  /** The value at a local pointer (`#/components/schemas/Pet`), or undefined. */
  at(ref: string): unknown {
    if (this.cache.has(ref)) return this.cache.get(ref)
    let node: unknown
    if (ref === '#' || ref === '#/') node = this.document
    else if (ref.startsWith('#/')) {
      node = this.document
      for (const token of ref.slice(2).split('/')) {
        const key = decodeToken(token)
        if (Array.isArray(node)) node = node[Number(key)]
        else if (isPlainObject(node) && Object.hasOwn(node, key)) node = node[key]
        else {
          node = undefined
          break
        }
      }
    }
    this.cache.set(ref, node)
    return node
  }

  /** `node` with its `$ref` chain followed (sibling keys of a 3.1 `$ref` are kept), and the last ref. */
  follow(node: unknown): { node: unknown; ref: string | undefined } {
    let current = node
    let ref: string | undefined
    const seen = new Set<string>()
    while (isPlainObject(current) && typeof current.$ref === 'string') {
      const next = current.$ref
      if (seen.has(next)) return { node: undefined, ref: next }
      seen.add(next)
      ref = next
      const { $ref: _ignored, ...siblings } = current
      const target = this.at(next)
      current =
        Object.keys(siblings).length > 0 && isPlainObject(target) ? { ...target, ...siblings } : target
    }
    return { node: current, ref }
  }
}

/**
 * Every `$ref` of the document that points nowhere, located by the JSON pointer of the object holding it,
 * with a fix. A `$ref` to another file here means it was not merged (the document was given in memory).
 */
export function unresolvedRefs(refs: DocumentRefs, limit = 20): Issue[] {
  const issues: Issue[] = []
  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (issues.length >= limit || depth > 200) return
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, `${pointer}/${index}`, depth + 1)
      return
    }
    if (!isPlainObject(node)) return
    const ref = node.$ref
    if (typeof ref === 'string' && !pointer.includes('/example')) {
      if (!ref.startsWith('#')) {
        issues.push({
          path: `#${pointer}/$ref`,
          message: `points to another file (${ref}), which cannot be read here; serve the document from its file (restmock api.yaml or startMock) so that relative files resolve`,
        })
      } else if (refs.at(ref) === undefined) {
        issues.push({
          path: `#${pointer}/$ref`,
          message: `${ref} does not exist in the document; fix the pointer or add the missing definition`,
        })
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example' || key === 'examples') continue
      walk(value, `${pointer}/${pointerToken(key)}`, depth + 1)
    }
  }
  walk(refs.document, '', 0)
  return issues
}
