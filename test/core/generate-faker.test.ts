import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Faker } from '@faker-js/faker'
import { fakerIssues, loadFaker } from '../../src/core/generate/faker.ts'
import { generateData } from '../../src/core/generate/generate-data.ts'
import { manifestOf, NOW } from '../support/generate-fixtures.ts'

let faker: Faker

before(async () => {
  faker = await loadFaker()
})

test('known faker methods, with or without args, are no issue', () => {
  const manifest = manifestOf({
    people: {
      fields: {
        name: { type: 'string', faker: 'person.fullName' },
        age: { type: 'integer', faker: { method: 'number.int', args: [{ min: 18, max: 99 }] } },
        pick: { type: 'string', faker: { method: 'helpers.arrayElement', args: [['a', 'b']] } },
      },
    },
  })
  assert.deepEqual(fakerIssues(manifest, faker), [])
})

test('an unknown faker method is an issue at its field, with close matches suggested', () => {
  const manifest = manifestOf({
    people: {
      fields: {
        name: { type: 'string', faker: 'person.fulName' },
        city: { type: 'string', faker: 'adress.city' },
        mood: { type: 'string', faker: 'person.favouriteDrink' },
        junk: { type: 'string', faker: 'nothing.here' },
        old: { type: 'string', faker: 'name.findName' },
        address: { type: 'object', properties: { zip: { type: 'string', faker: 'location.zipcode' } } },
        tags: { type: 'array', items: { type: 'string', faker: 'lorem.wurd' } },
      },
    },
  })
  const issues = fakerIssues(manifest, faker)
  assert.deepEqual(
    issues.map((issue) => issue.path),
    [
      'resources.people.fields.name.faker',
      'resources.people.fields.city.faker',
      'resources.people.fields.mood.faker',
      'resources.people.fields.junk.faker',
      'resources.people.fields.old.faker',
      'resources.people.fields.address.properties.zip.faker',
      'resources.people.fields.tags.items.faker',
    ],
  )
  const [name, city, mood, junk, old, zip, word] = issues.map((issue) => issue.message)
  assert.match(name!, /unknown faker method "person.fulName" \(did you mean "person.fullName"/)
  assert.match(city!, /did you mean "location.city"/)
  assert.match(mood!, /person has .*firstName.*lastName/)
  assert.match(junk!, /faker modules are .*location.*person/)
  assert.match(old!, /did you mean "person.fullName"\? it was renamed in faker 8/)
  assert.match(zip!, /did you mean "location.zipCode"/)
  assert.match(word!, /did you mean "lorem.word"/)
})

test('a faker method that throws with its args is an issue naming the method and args', () => {
  const manifest = manifestOf({
    t: { fields: { n: { type: 'integer', faker: { method: 'number.int', args: [{ min: 10, max: 1 }] } } } },
  })
  const [issue] = fakerIssues(manifest, faker)
  assert.equal(issue?.path, 'resources.t.fields.n.faker')
  assert.match(issue?.message ?? '', /faker method "number.int" fails with args \[\{"min":10,"max":1\}\]/)
})

test('a locale gives localized data, deterministically', async () => {
  const german = await loadFaker('de')
  const manifest = manifestOf({
    people: { count: 50, fields: { city: { type: 'string', faker: 'location.state' } } },
  })
  const states = (f: Faker) =>
    (generateData(manifest, f, { seed: 1, now: NOW }).people as Array<{ city: string }>).map((p) => p.city)
  const germanStates = states(german)
  assert.ok(
    germanStates.includes('Bayern') || germanStates.includes('Berlin') || germanStates.includes('Hessen'),
  )
  assert.deepEqual(states(german), germanStates)
  assert.notDeepEqual(states(faker), germanStates)
})

test('an unknown locale is a ConfigError at locale with a suggestion', async () => {
  await assert.rejects(
    loadFaker('en_UK'),
    (error: Error & { issues?: Array<{ path: string; message: string }> }) => {
      assert.equal(error.name, 'ConfigError')
      assert.equal(error.issues?.[0]?.path, 'locale')
      assert.match(error.issues?.[0]?.message ?? '', /unknown locale "en_UK" \(did you mean "en_/)
      return true
    },
  )
  await assert.rejects(loadFaker('../../etc/passwd'), /Unknown faker locale/)
  assert.equal((await loadFaker('de-AT')).rawDefinitions.metadata?.code, 'de_AT')
})
