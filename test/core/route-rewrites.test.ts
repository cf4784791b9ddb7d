import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError } from '../../src/core/errors.ts'
import { compileRewrites } from '../../src/core/route-rewrites.ts'

const rewrite = (rules: Record<string, string>, url: string): string | undefined =>
  compileRewrites(rules, 'routes.json').rewrite(url)

function badRules(rules: unknown): ConfigError {
  try {
    compileRewrites(rules, 'routes.json')
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    return error
  }
  assert.fail('the rules were accepted')
}

describe('json-server routes.json rules', () => {
  test('"/api/*": "/$1" drops a prefix, keeping the rest and the query string', () => {
    const rules = { '/api/*': '/$1' }
    assert.equal(rewrite(rules, '/api/posts'), '/posts')
    assert.equal(rewrite(rules, '/api/posts/1'), '/posts/1')
    assert.equal(rewrite(rules, '/api/posts?_sort=title'), '/posts?_sort=title')
  })

  test('named parameters carry one path segment each into the target', () => {
    const rules = { '/:resource/:id/show': '/:resource/:id' }
    assert.equal(rewrite(rules, '/posts/1/show'), '/posts/1')
    assert.equal(rewrite(rules, '/posts/1/2/show'), undefined)
  })

  test('a target may carry a query string built from parameters', () => {
    assert.equal(
      rewrite({ '/posts/:category': '/posts?category=:category' }, '/posts/javascript'),
      '/posts?category=javascript',
    )
    assert.equal(
      rewrite(
        { '/comments/special/:userId-:body': '/comments/?userId=:userId&body=:body' },
        '/comments/special/1-quux',
      ),
      '/comments/?userId=1&body=quux',
    )
    assert.equal(
      rewrite({ '/firstpostwithcomments': '/posts/1?_embed=comments' }, '/firstpostwithcomments'),
      '/posts/1?_embed=comments',
    )
  })

  test('a pattern may match the query string, with the ? written plainly or escaped', () => {
    assert.equal(rewrite({ '/articles?id=:id': '/posts/:id' }, '/articles?id=1'), '/posts/1')
    assert.equal(rewrite({ '/articles\\?_id=:id': '/posts/:id' }, '/articles?_id=1'), '/posts/1')
    assert.equal(rewrite({ '/articles\\?_id=:id': '/posts/:id' }, '/articles'), undefined)
  })

  test('the whole URL must match: a query string the pattern does not expect stops a match', () => {
    assert.equal(rewrite({ '/:resource/search': '/:resource' }, '/posts/search'), '/posts')
    assert.equal(rewrite({ '/:resource/search': '/:resource' }, '/posts/search?id=1'), undefined)
  })

  test('matching ignores case and an optional trailing slash', () => {
    assert.equal(rewrite({ '/blog/*': '/$1' }, '/BLOG/posts'), '/posts')
    assert.equal(rewrite({ '/oauth/token/info': '/infos/1' }, '/oauth/token/info/'), '/infos/1')
  })

  test('several wildcards are numbered in order', () => {
    assert.equal(rewrite({ '/v/*/items/*': '/$2?owner=$1' }, '/v/ada/items/7'), '/7?owner=ada')
  })

  test('rules apply in file order, each to the URL the previous ones produced', () => {
    const rules = { '/api/*': '/$1', '/blog/:resource/:id/show': '/:resource/:id' }
    assert.equal(rewrite(rules, '/api/blog/posts/1/show'), '/posts/1')
    // a later rule that matches the rewritten URL applies too
    const greedy = {
      '/:resource/:id/show': '/:resource/:id',
      '/posts/:category': '/posts?category=:category',
    }
    assert.equal(rewrite(greedy, '/posts/1/show'), '/posts?category=1')
  })

  test('no rule matching leaves the URL alone', () => {
    assert.equal(rewrite({ '/api/*': '/$1' }, '/posts/1'), undefined)
  })

  test('an empty object is no rules at all', () => {
    assert.deepEqual(compileRewrites({}, 'routes.json').rules, {})
  })
})

describe('bad rules files', () => {
  test('a file that is not an object of rules is named', () => {
    for (const value of [[], 'x', null, 3]) {
      const error = badRules(value)
      assert.match(error.message, /^routes\.json must be an object of rewrite rules/)
      assert.equal(error.source, 'routes.json')
    }
  })

  test('every bad rule is named with what is wrong with it', () => {
    const error = badRules({
      '/ok/*': '/$1',
      'api/*': '/$1',
      '/count': 3,
      '/d/:id': '/e/:x',
      '/f/*': '/$2',
      '/g/*': 'relative',
    })
    assert.equal(error.message, 'routes.json has 5 bad rewrite rules')
    assert.deepEqual(
      error.issues.map((issue) => issue.path),
      ['"api/*"', '"/count"', '"/d/:id"', '"/f/*"', '"/g/*"'],
    )
    const text = error.format()
    assert.match(text, /"api\/\*": must start with "\/"/)
    assert.match(text, /"\/count": must map to a path \(a string\), got number 3/)
    assert.match(text, /"\/d\/:id": maps to ":x", which the pattern does not have/)
    assert.match(text, /"\/f\/\*": maps to "\$2", but the pattern has one wildcard/)
    assert.match(text, /"\/g\/\*": must map to a path starting with "\/", got "relative"/)
  })

  test('a pattern that is not a valid regular expression is named', () => {
    const error = badRules({ '/x/:id([)': '/y/:id' })
    assert.equal(error.message, 'routes.json has a bad rewrite rule')
    assert.match(error.format(), /"\/x\/:id\(\[\)": is not a valid pattern/)
  })
})
