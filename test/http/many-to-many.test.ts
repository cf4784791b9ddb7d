import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock, type InProcessMock } from '../../src/index.ts'
import { expectProblem, json } from '../support/helpers.ts'

type OnDelete = 'cascade' | 'restrict' | 'set-null'

/** Posts tagged with many tags (tagIds), plus a settings singleton that features some tags. */
function blog(onDelete?: OnDelete): InProcessMock {
  const tagIds: Record<string, unknown> = {
    type: 'array',
    items: { type: 'integer', ref: 'tags' },
    default: [],
  }
  if (onDelete !== undefined) tagIds.onDelete = onDelete
  return createMock({
    manifest: {
      resources: {
        tags: { fields: { label: { type: 'string', required: true } } },
        posts: { fields: { title: { type: 'string', required: true }, tagIds } },
        settings: {
          singleton: true,
          fields: { featuredTagIds: { type: 'array', items: { type: 'integer', ref: 'tags' } } },
        },
      },
    },
    data: {
      tags: [
        { id: 1, label: 'news' },
        { id: 2, label: 'howto' },
        { id: 3, label: 'opinion' },
      ],
      posts: [
        { id: 1, title: 'Launch', tagIds: [1, 3] },
        { id: 2, title: 'Setup guide', tagIds: [2] },
        { id: 3, title: 'Untagged', tagIds: [] },
      ],
      settings: { featuredTagIds: [3] },
    },
  })
}

interface Row {
  id: number
  label?: string
  title?: string
  tagIds?: number[]
  featuredTagIds?: number[]
  tags?: Row[]
  posts?: Row[]
}

async function body(response: Response): Promise<Row> {
  assert.ok(response.ok, `${response.status} ${await response.clone().text()}`)
  return (await response.json()) as Row
}

async function rows(response: Response): Promise<Row[]> {
  assert.ok(response.ok, `${response.status} ${await response.clone().text()}`)
  return (await response.json()) as Row[]
}

describe('many-to-many relations (items: { ref })', () => {
  test('a create or update naming a missing target is a 422 pointing at the element', async () => {
    const mock = blog()
    const created = await mock.request('/posts', json('POST', { title: 'x', tagIds: [1, 9] }))
    const problem = await expectProblem(created, 422, 'validation_failed')
    assert.deepEqual(problem.errors, [
      { pointer: '/tagIds/1', detail: 'refers to tags 9, which does not exist' },
    ])
    const patched = await mock.request('/posts/1', json('PATCH', { tagIds: [7] }))
    assert.equal((await expectProblem(patched, 422, 'validation_failed')).errors?.[0]?.pointer, '/tagIds/0')
    assert.equal((await mock.request('/posts', json('POST', { title: 'ok', tagIds: [2, 3] }))).status, 201)
  })

  test('seed data naming a missing target is refused with its location', () => {
    assert.throws(
      () =>
        createMock({
          manifest: {
            resources: {
              tags: {},
              posts: { fields: { tagIds: { type: 'array', items: { type: 'integer', ref: 'tags' } } } },
            },
          },
          data: { tags: [{ id: 1 }], posts: [{ id: 1, tagIds: [1, 5] }] },
        }),
      (error: { issues?: Array<{ path: string; message: string }> }) => {
        assert.deepEqual(error.issues, [
          { path: 'posts[0].tagIds[1]', message: 'refers to tags 5, which does not exist' },
        ])
        return true
      },
    )
  })

  test('_expand follows the ids under the relation name; _embed lists the records holding an id', async () => {
    const mock = blog()
    const posts = await rows(await mock.request('/posts?_expand=tags'))
    assert.deepEqual(posts[0]!.tags, [
      { id: 1, label: 'news' },
      { id: 3, label: 'opinion' },
    ])
    assert.deepEqual(posts[0]!.tagIds, [1, 3])
    assert.deepEqual(posts[2]!.tags, [])
    const one = await body(await mock.request('/posts/2?_expand=tags'))
    assert.deepEqual(one.tags, [{ id: 2, label: 'howto' }])
    const tags = await rows(await mock.request('/tags?_embed=posts'))
    assert.deepEqual(
      tags.map((tag) => [tag.label, tag.posts?.map((post) => post.id)]),
      [
        ['news', [1]],
        ['howto', [2]],
        ['opinion', [1]],
      ],
    )
    // the nested route lists the same records, and a POST through it adds the parent's id
    assert.deepEqual(
      (await rows(await mock.request('/tags/3/posts'))).map((post) => post.id),
      [1],
    )
    const created = await body(
      await mock.request('/tags/3/posts', json('POST', { title: 'New', tagIds: [1] })),
    )
    assert.deepEqual(created.tagIds, [1, 3])
    const unknown = await mock.request('/posts?_expand=tag')
    assert.match((await expectProblem(unknown, 400, 'invalid_query')).detail ?? '', /tags/)
  })

  test('an update keeps the index in step: _embed sees added and removed ids', async () => {
    const mock = blog()
    await body(await mock.request('/posts/3', json('PATCH', { tagIds: [2, 3] })))
    await body(await mock.request('/posts/1', json('PATCH', { tagIds: [1] })))
    const opinion = await body(await mock.request('/tags/3?_embed=posts'))
    assert.deepEqual(
      opinion.posts?.map((post) => post.id),
      [3],
    )
  })

  for (const rule of [undefined, 'cascade', 'set-null'] as const) {
    test(`onDelete ${rule ?? '(default: cascade)'} takes the deleted id out of every array`, async () => {
      const mock = blog(rule)
      assert.equal((await mock.request('/tags/3', { method: 'DELETE' })).status, 204)
      const posts = await rows(await mock.request('/posts'))
      assert.deepEqual(
        posts.map((post) => post.tagIds),
        [[1], [2], []],
      )
      assert.deepEqual((await body(await mock.request('/settings'))).featuredTagIds, [])
      // the posts themselves stay
      assert.equal(posts.length, 3)
    })
  }

  test('onDelete restrict blocks deleting a target that is still listed (409), and allows it once free', async () => {
    const mock = blog('restrict')
    const blocked = await mock.request('/tags/1', { method: 'DELETE' })
    const problem = await expectProblem(blocked, 409, 'conflict')
    assert.match(problem.detail ?? '', /posts\.tagIds, onDelete: restrict/)
    assert.equal((await mock.request('/tags/1')).status, 200)
    await body(await mock.request('/posts/1', json('PATCH', { tagIds: [3] })))
    assert.equal((await mock.request('/tags/1', { method: 'DELETE' })).status, 204)
  })

  test('deleting a post that lists tags deletes no tag', async () => {
    const mock = blog('cascade')
    assert.equal((await mock.request('/posts/1', { method: 'DELETE' })).status, 204)
    assert.equal((await rows(await mock.request('/tags'))).length, 3)
  })
})
