import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The user and contributor docs: README.md, CONTRIBUTING.md and every docs/*.md. */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name))
  return [join(ROOT, 'README.md'), join(ROOT, 'CONTRIBUTING.md'), ...docs].filter((path) => existsSync(path))
}

/** Markdown without fenced code blocks and inline code, where links are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's heading anchors (github-slugger): lower case, punctuation dropped, spaces to dashes, -1 on repeats. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of prose(markdown.replace(/`([^`\n]*)`/g, '\u0000$1\u0000')).split('\n')) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)
    if (heading === null) continue
    const text = (heading[1] as string).replaceAll('\u0000', '')
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/ /g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

function links(markdown: string): string[] {
  const found: string[] = []
  for (const match of prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
    found.push(match[1] as string)
  return found
}

describe('documentation links', () => {
  test('headings get GitHub anchors', () => {
    const anchors = headingAnchors('# Admin API (`/__restmock`)\n## `simulate` reference\n## A b\n## A b\n')
    assert.deepEqual([...anchors], ['admin-api-__restmock', 'simulate-reference', 'a-b', 'a-b-1'])
  })

  test('every relative link in README.md, CONTRIBUTING.md and docs/*.md points at a file and heading that exist', () => {
    const broken: string[] = []
    for (const path of documents()) {
      const text = readFileSync(path, 'utf8')
      for (const link of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue // http:, https:, mailto:
        const [target = '', anchor] = link.split('#', 2)
        const file = target === '' ? path : resolve(dirname(path), decodeURIComponent(target))
        const where = `${relative(ROOT, path)}: ${link}`
        if (!existsSync(file)) {
          broken.push(`${where} (no such file)`)
          continue
        }
        if (anchor !== undefined && anchor !== '' && statSync(file).isFile() && file.endsWith('.md')) {
          if (!headingAnchors(readFileSync(file, 'utf8')).has(anchor))
            broken.push(`${where} (no such heading)`)
        }
      }
    }
    assert.deepEqual(broken, [])
  })
})

describe('docs/architecture.md', () => {
  test('names every source file, so a newcomer finds each concept from one page', () => {
    const page = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8')
    const sources = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? sources(`${dir}/${entry.name}`)
          : entry.name.endsWith('.ts')
            ? [`${dir}/${entry.name}`]
            : [],
      )
    const missing = sources('src').filter((file) => !page.includes(`(../${file})`))
    assert.deepEqual(missing, [])
  })
})
