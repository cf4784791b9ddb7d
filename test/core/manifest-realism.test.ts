import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Issue } from '../../src/core/manifest/model.ts'
import { checkManifest, validateManifest } from '../../src/core/manifest/validate-manifest.ts'

/** Every structural issue of a manifest, as "path: message". */
function problems(resources: Record<string, unknown>): string[] {
  return checkManifest({ resources }).structural.map((issue: Issue) => `${issue.path}: ${issue.message}`)
}

describe('manifest: unique { caseInsensitive }', () => {
  test('format: email compares ignoring case by default; caseInsensitive turns it on or off', () => {
    const manifest = validateManifest({
      resources: {
        users: {
          fields: {
            email: { type: 'string', format: 'email', unique: true },
            handle: { type: 'string', unique: { caseInsensitive: true } },
            exact: { type: 'string', format: 'email', unique: { caseInsensitive: false } },
            code: { type: 'string', unique: true },
          },
        },
      },
    })
    const fields = manifest.resources.users!.fields!
    assert.equal(fields.email!.caseInsensitive, true)
    assert.equal(fields.handle!.caseInsensitive, true)
    assert.equal(fields.handle!.unique, true)
    assert.equal(fields.exact!.caseInsensitive, false)
    assert.equal(fields.code!.caseInsensitive, undefined)
  })

  test('a wrong shape, an unknown key or a non-string field is reported with its path', () => {
    assert.deepEqual(
      problems({
        users: {
          fields: {
            a: { type: 'string', unique: 'yes' },
            b: { type: 'string', unique: { caseInsensitve: true } },
            c: { type: 'integer', unique: { caseInsensitive: true } },
          },
        },
      }),
      [
        'resources.users.fields.a.unique: must be true, false or { caseInsensitive: true }, got the string "yes"',
        'resources.users.fields.b.unique.caseInsensitve: unknown unique key "caseInsensitve" (did you mean "caseInsensitive"?)',
        'resources.users.fields.c.unique.caseInsensitive: only applies to string fields, not integer',
      ],
    )
  })
})

describe('manifest: many-to-many (items: { ref })', () => {
  test('an array field with items.ref is a relation flagged many, onDelete cascade by default', () => {
    const manifest = validateManifest({
      resources: {
        tags: {},
        labels: { id: 'string' },
        posts: {
          fields: {
            tagIds: { type: 'array', items: { type: 'integer', ref: 'tags' } },
            labelIds: { type: 'array', items: { type: 'string', ref: 'labels' }, onDelete: 'restrict' },
          },
        },
      },
    })
    assert.deepEqual(manifest.relations, [
      { child: 'posts', field: 'tagIds', parent: 'tags', onDelete: 'cascade', many: true },
      { child: 'posts', field: 'labelIds', parent: 'labels', onDelete: 'restrict', many: true },
    ])
    assert.equal(manifest.resources.posts!.fields!.tagIds!.items!.ref, 'tags')
  })

  test('unknown target, singleton target, wrong id type, misplaced onDelete and deeper refs are reported', () => {
    assert.deepEqual(
      problems({
        tags: { id: 'uuid' },
        settings: { singleton: true },
        posts: {
          fields: {
            a: { type: 'array', items: { type: 'integer', ref: 'tag' } },
            b: { type: 'array', items: { type: 'integer', ref: 'settings' } },
            c: { type: 'array', items: { type: 'integer', ref: 'tags' } },
            d: { type: 'array', items: { type: 'string', ref: 'tags', onDelete: 'cascade' } },
            e: { type: 'string', onDelete: 'cascade' },
            f: {
              type: 'object',
              properties: { ids: { type: 'array', items: { type: 'string', ref: 'tags' } } },
            },
          },
        },
      }),
      [
        'resources.posts.fields.d.items.onDelete: belongs on the array field itself (next to `items`), not inside `items`',
        'resources.posts.fields.e.onDelete: only applies to a field with `ref` (or an array field whose `items` have a `ref`)',
        'resources.posts.fields.f.properties.ids.items.ref: is only supported on top-level fields',
        'resources.posts.fields.a.items.ref: unknown resource "tag" (did you mean "tags"?)',
        'resources.posts.fields.b.items.ref: "settings" is a singleton; a ref must point at a collection',
        'resources.posts.fields.c.items.type: must be string to hold ids of "tags" (id: uuid)',
      ],
    )
  })
})

describe('manifest: from and after', () => {
  test('valid ties are kept as lists of field names', () => {
    const manifest = validateManifest({
      resources: {
        people: {
          timestamps: true,
          fields: {
            firstName: { type: 'string' },
            lastName: { type: 'string' },
            email: { type: 'string', format: 'email', from: ['firstName', 'lastName'] },
            login: { type: 'string', from: 'firstName' },
            startDate: { type: 'string', format: 'date' },
            endDate: { type: 'string', format: 'date', after: 'startDate' },
            reviewedAt: { type: 'string', format: 'date-time', after: 'createdAt' },
          },
        },
      },
    })
    const fields = manifest.resources.people!.fields!
    assert.deepEqual(fields.email!.from, ['firstName', 'lastName'])
    assert.deepEqual(fields.login!.from, ['firstName'])
    assert.equal(fields.endDate!.after, 'startDate')
  })

  test('unknown fields (with a suggestion), wrong types, cycles and nesting are reported with their paths', () => {
    assert.deepEqual(
      problems({
        events: {
          fields: {
            title: { type: 'string' },
            count: { type: 'integer' },
            slug: { type: 'string', from: 'titel' },
            code: { type: 'integer', from: 'title' },
            tag: { type: 'string', from: 'count' },
            bad: { type: 'string', from: [] },
            self: { type: 'string', from: 'self' },
            chained: { type: 'string', from: 'slug' },
            startsAt: { type: 'string', format: 'date-time' },
            endsAt: { type: 'string', format: 'date-time', after: 'startsAt' },
            endsOn: { type: 'string', format: 'date', after: 'startsAt' },
            closesAt: { type: 'string', format: 'date-time', after: 'startAt' },
            label: { type: 'string', after: 'title' },
            a: { type: 'integer', after: 'b' },
            b: { type: 'integer', after: 'a' },
            meta: { type: 'object', properties: { x: { type: 'string', from: 'title' } } },
          },
        },
      }),
      [
        'resources.events.fields.code.from: only applies to string fields, not integer',
        'resources.events.fields.bad.from: must name a field of the same record (from: name) or list them (from: [firstName, lastName]), got an array',
        'resources.events.fields.meta.properties.x.from: is only supported on top-level fields',
        'resources.events.fields.slug.from: unknown field "titel" (did you mean "title"?)',
        'resources.events.fields.tag.from: "count" is integer: a field can only be derived from string fields',
        'resources.events.fields.self.from: a field cannot be derived from itself',
        'resources.events.fields.chained.from: "slug" is itself derived (from: titel); derive from the original field',
        'resources.events.fields.endsOn.after: "startsAt" is a date-time string; endsOn (a date string) can only follow a field of the same kind',
        'resources.events.fields.closesAt.after: unknown field "startAt" (did you mean "startsAt"?)',
        'resources.events.fields.label.after: only applies to date, date-time, integer and number fields (label is a string)',
        'resources.events.fields.a.after: ordering cycle: a -> b -> a',
        'resources.events.fields.b.after: ordering cycle: b -> a -> b',
      ],
    )
  })
})
