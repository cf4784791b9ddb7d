import { ConfigError } from '../errors.ts'
import type { FieldDef, Issue, Manifest } from '../manifest/model.ts'
import { walkFields } from './primitives.ts'

/** A top-level ref filled in after every resource exists, because it closes a cycle. */
export interface DeferredRef {
  resource: string
  field: string
}

export interface GenerationPlan {
  /** resources in the order to generate them: every ref target before the resources pointing at it */
  order: string[]
  deferred: DeferredRef[]
}

interface Edge {
  child: string
  parent: string
  /** top-level field name, undefined for refs inside nested properties or items (never deferred) */
  field: string | undefined
  def: FieldDef
  path: string
}

/**
 * Orders `resources` so that refs point at resources generated earlier. A cycle (a -> b -> a) is broken
 * at its nullable refs first, then at its optional ones; those are filled once everything exists. A cycle
 * of required, non-nullable refs cannot be broken (its first record could never be created) and is
 * reported. Refs of a resource to itself need no ordering: records point at earlier ones.
 */
export function planGeneration(manifest: Manifest, resources: readonly string[]): GenerationPlan {
  const { plan, issues } = analyse(manifest, resources)
  if (issues.length > 0) throw new ConfigError('Cannot generate data', issues)
  return plan
}

/** The cycles among `resources` (default: the collections with a count) that generation cannot break. */
export function refCycleIssues(manifest: Manifest, resources?: readonly string[]): Issue[] {
  const names =
    resources ??
    Object.values(manifest.resources)
      .filter((r) => !r.singleton && r.count !== undefined)
      .map((r) => r.name)
  return analyse(manifest, names).issues
}

function analyse(
  manifest: Manifest,
  resources: readonly string[],
): { plan: GenerationPlan; issues: Issue[] } {
  const selected = new Set(resources)
  let edges: Edge[] = []
  for (const name of resources) {
    const resource = manifest.resources[name]
    if (resource === undefined) continue
    walkFields(resource, (def, path, field) => {
      if (def.ref === undefined || def.ref === name || !selected.has(def.ref)) return
      edges.push({ child: name, parent: def.ref, field, def, path })
    })
  }
  const deferred: DeferredRef[] = []
  const breakable: Array<(edge: Edge) => boolean> = [
    (edge) => edge.def.nullable,
    (edge) => !edge.def.required,
  ]
  for (const canBreak of breakable) {
    const cyclic = cyclicEdges(resources, edges)
    if (cyclic.size === 0) break
    edges = edges.filter((edge) => {
      if (!cyclic.has(edge) || edge.field === undefined || !canBreak(edge)) return true
      deferred.push({ resource: edge.child, field: edge.field })
      return false
    })
  }
  const issues: Issue[] = []
  const remaining = cyclicEdges(resources, edges)
  for (const edge of remaining) {
    issues.push({
      path: `${edge.path}.ref`,
      message: `is part of a ref cycle (${describeCycle(edge, [...remaining])}) with no nullable or optional ref to break it: the first record could never be created; make one of these refs nullable`,
    })
  }
  return { plan: { order: topologicalOrder(resources, edges), deferred }, issues }
}

function describeCycle(start: Edge, edges: readonly Edge[]): string {
  const names = [start.child]
  let current = start
  while (names.length <= edges.length) {
    names.push(current.parent)
    if (current.parent === start.child) break
    const next = edges.find((edge) => edge.child === current.parent)
    if (next === undefined) break
    current = next
  }
  return names.join(' -> ')
}

/** Edges inside a strongly connected component of more than one resource (Tarjan's algorithm). */
function cyclicEdges(nodes: readonly string[], edges: readonly Edge[]): Set<Edge> {
  const outgoing = new Map<string, Edge[]>(nodes.map((node) => [node, []]))
  for (const edge of edges) outgoing.get(edge.child)?.push(edge)
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const component = new Map<string, number>()
  const stack: string[] = []
  let counter = 0
  let components = 0
  const visit = (node: string): void => {
    index.set(node, counter)
    low.set(node, counter)
    counter++
    stack.push(node)
    for (const edge of outgoing.get(node) ?? []) {
      const next = edge.parent
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (!component.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      let member: string
      do {
        member = stack.pop()!
        component.set(member, components)
      } while (member !== node)
      components++
    }
  }
  for (const node of nodes) if (!index.has(node)) visit(node)
  const sizes = new Map<number, number>()
  for (const id of component.values()) sizes.set(id, (sizes.get(id) ?? 0) + 1)
  const cyclic = new Set<Edge>()
  for (const edge of edges) {
    const id = component.get(edge.child)
    if (id !== undefined && id === component.get(edge.parent) && (sizes.get(id) ?? 0) > 1) cyclic.add(edge)
  }
  return cyclic
}

/** Kahn's algorithm; among resources that are ready, the manifest's order wins (stable output). */
function topologicalOrder(nodes: readonly string[], edges: readonly Edge[]): string[] {
  const waitingOn = new Map<string, Set<string>>(nodes.map((node) => [node, new Set()]))
  for (const edge of edges) waitingOn.get(edge.child)?.add(edge.parent)
  const order: string[] = []
  const done = new Set<string>()
  while (order.length < nodes.length) {
    const ready = nodes.find((node) => !done.has(node) && [...waitingOn.get(node)!].every((p) => done.has(p)))
    // only reachable with an unbroken cycle, which is reported: keep the manifest's order for the rest
    const next = ready ?? nodes.find((node) => !done.has(node))!
    order.push(next)
    done.add(next)
  }
  return order
}
