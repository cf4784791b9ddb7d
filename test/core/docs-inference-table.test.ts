import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import {
  BOOLEAN_RULES,
  DATE_RULES,
  NUMBER_RULES,
  TEXT_RULES,
} from '../../src/core/generate/name-inference.ts'
import {
  buildInferenceTable,
  DOC_PATH,
  describeNames,
  documentedInferenceTable,
  exampleNames,
  normalizeTable,
  replaceInferenceSection,
} from '../support/inference-table.ts'

const RULE_LISTS: ReadonlyArray<readonly [string, ReadonlyArray<readonly [RegExp, unknown]>]> = [
  ['TEXT_RULES', TEXT_RULES],
  ['DATE_RULES', DATE_RULES],
  ['NUMBER_RULES', NUMBER_RULES],
  ['BOOLEAN_RULES', BOOLEAN_RULES],
]

describe('field-name inference table in docs/data-generation.md', () => {
  test('matches the rules in src/core/generate/name-inference.ts', () => {
    const documented = documentedInferenceTable(readFileSync(DOC_PATH, 'utf8'))
    assert.ok(documented !== undefined, 'docs/data-generation.md has lost its inference-table markers')
    assert.equal(
      normalizeTable(documented),
      normalizeTable(buildInferenceTable()),
      'the docs table is out of date: run `npm run docs:table` and commit docs/data-generation.md',
    )
  })

  test('every name a row lists is matched by its rule', () => {
    for (const [listName, rules] of RULE_LISTS) {
      rules.forEach(([pattern], index) => {
        const names = exampleNames(pattern)
        assert.ok(names.length > 0, `${listName}[${index}] lists no names`)
        for (const name of names) {
          assert.ok(pattern.test(name), `${listName}[${index}] /${pattern.source}/ does not match "${name}"`)
        }
      })
    }
  })

  test('the names column reads like the rule', () => {
    assert.equal(describeNames(/(^|_)(image|img)(_url)?$/), '`image`, `img` (+ `_url`)')
    assert.equal(describeNames(/(^|_)first_?name$/), '`first_name`, `firstname`')
    assert.equal(describeNames(/(^|_)bio(graphy)?$/), '`bio`, `biography`')
    assert.equal(describeNames(/^name$/), '`name` (the whole name only)')
    assert.equal(describeNames(/(_at|^date)$/), 'any other name ending in `_at`, and `date`')
    assert.throws(() => describeNames(/(^|_)ids+$/), /cannot describe/)
  })

  test('rewriting replaces only the text between the markers', () => {
    const document = 'intro\n<!-- inference-table:start -->\nold\n<!-- inference-table:end -->\nafter\n'
    assert.equal(
      replaceInferenceSection(document, '| a |'),
      'intro\n<!-- inference-table:start -->\n\n| a |\n\n<!-- inference-table:end -->\nafter\n',
    )
    assert.throws(() => replaceInferenceSection('no markers', '| a |'), /inference-table:start/)
  })
})
