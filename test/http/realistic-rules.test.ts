import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock, type InProcessMock } from '../../src/index.ts'
import { expectProblem, json } from '../support/helpers.ts'

function accounts(): InProcessMock {
  return createMock({
    manifest: {
      resources: {
        users: {
          fields: {
            email: { type: 'string', format: 'email', unique: true },
            handle: { type: 'string', unique: { caseInsensitive: true } },
            code: { type: 'string', unique: true },
            legacyEmail: { type: 'string', format: 'email', unique: { caseInsensitive: false } },
          },
        },
        bookings: {
          fields: {
            startDate: { type: 'string', format: 'date' },
            endDate: { type: 'string', format: 'date', after: 'startDate' },
            minGuests: { type: 'integer' },
            maxGuests: { type: 'integer', after: 'minGuests' },
          },
        },
      },
    },
    data: {
      users: [
        { id: 1, email: 'Meghan.Bahringer@hotmail.com', handle: 'Meg', code: 'ABC', legacyEmail: 'A@x.io' },
      ],
      bookings: [{ id: 1, startDate: '2026-05-01', endDate: '2026-05-03', minGuests: 1, maxGuests: 4 }],
    },
  })
}

describe('unique, as real backends compare it', () => {
  test('an email that differs only in case is taken (409), on create and on update', async () => {
    const mock = accounts()
    const created = await mock.request('/users', json('POST', { email: 'meghan.bahringer@HOTMAIL.com' }))
    const problem = await expectProblem(created, 409, 'conflict')
    assert.deepEqual(problem.errors, [
      {
        pointer: '/email',
        detail:
          '"meghan.bahringer@HOTMAIL.com" is already used by another record (as "Meghan.Bahringer@hotmail.com", ignoring case)',
      },
    ])
    const other = await mock.request('/users', json('POST', { email: 'someone@else.io', handle: 'x' }))
    assert.equal(other.status, 201)
    const { id } = (await other.json()) as { id: number }
    await expectProblem(
      await mock.request(`/users/${id}`, json('PATCH', { email: 'MEGHAN.bahringer@hotmail.com' })),
      409,
      'conflict',
    )
    await expectProblem(
      await mock.request(`/users/${id}`, json('PUT', { email: 'Someone@Else.io', handle: 'MEG' })),
      409,
      'conflict',
    )
    // a record may change the case of its own value
    assert.equal(
      (await mock.request('/users/1', json('PATCH', { email: 'MEGHAN.Bahringer@hotmail.com' }))).status,
      200,
    )
  })

  test('unique: { caseInsensitive: true } on any string; plain unique and an explicit false stay exact', async () => {
    const mock = accounts()
    await expectProblem(await mock.request('/users', json('POST', { handle: 'mEg' })), 409, 'conflict')
    assert.equal((await mock.request('/users', json('POST', { code: 'abc' }))).status, 201)
    await expectProblem(await mock.request('/users', json('POST', { code: 'ABC' })), 409, 'conflict')
    assert.equal((await mock.request('/users', json('POST', { legacyEmail: 'a@x.io' }))).status, 201)
  })

  test('seed data with two emails differing only in case is refused', () => {
    assert.throws(
      () =>
        createMock({
          manifest: {
            resources: { users: { fields: { email: { type: 'string', format: 'email', unique: true } } } },
          },
          data: { users: [{ email: 'Ada@x.io' }, { email: 'ada@X.io' }] },
        }),
      (error: { issues?: Array<{ path: string; message: string }> }) => {
        assert.deepEqual(error.issues, [
          {
            path: 'users[1].email',
            message: '"ada@X.io" is already used by users[0] (the field is unique, ignoring case)',
          },
        ])
        return true
      },
    )
  })
})

describe('declared order (after)', () => {
  test('a value before the field it follows is a 422; equal and later values pass', async () => {
    const mock = accounts()
    const early = await mock.request(
      '/bookings',
      json('POST', { startDate: '2026-06-10', endDate: '2026-06-01' }),
    )
    const problem = await expectProblem(early, 422, 'validation_failed')
    assert.deepEqual(problem.errors, [
      { pointer: '/endDate', detail: 'must not be before startDate ("2026-06-10")' },
    ])
    assert.equal(
      (await mock.request('/bookings', json('POST', { startDate: '2026-06-10', endDate: '2026-06-10' })))
        .status,
      201,
    )
    await expectProblem(
      await mock.request('/bookings/1', json('PATCH', { maxGuests: 0 })),
      422,
      'validation_failed',
    )
    // a missing or null partner is not compared
    assert.equal((await mock.request('/bookings', json('POST', { endDate: '2020-01-01' }))).status, 201)
  })

  test('seed data breaking the order is refused with its location', () => {
    assert.throws(
      () =>
        createMock({
          manifest: {
            resources: {
              trips: {
                fields: {
                  leaves: { type: 'string', format: 'date-time' },
                  returns: { type: 'string', format: 'date-time', after: 'leaves' },
                },
              },
            },
          },
          data: { trips: [{ leaves: '2026-01-02T10:00:00Z', returns: '2026-01-01T10:00:00Z' }] },
        }),
      (error: { issues?: Array<{ path: string; message: string }> }) => {
        assert.deepEqual(error.issues, [
          { path: 'trips[0].returns', message: 'must not be before leaves ("2026-01-02T10:00:00Z")' },
        ])
        return true
      },
    )
  })
})
