/**
 * List queries and relations (DESIGN 3.3): json-server 0.17 compatible filters, full-text search, sorting,
 * paging and slicing, projection, `_embed` / `_expand`. Pure: parse once per request, then execute against
 * the records the store hands over.
 */
export { executeListQuery, shapeItem } from './execute.ts'
export { buildLinkHeader } from './link-header.ts'
export { checkParamCount, isStrict, parseItemQuery, parseListQuery, type QueryParams } from './parse-query.ts'
export { findChildRelation } from './relation-names.ts'
export type { ItemQuery, ListQuery, ListResult, PageInfo, RelationReader } from './types.ts'
