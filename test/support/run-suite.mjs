/**
 * `npm test`: runs the suite with node:test through tsx. Test files share a process where they can:
 * tsx and the sources then load once per process rather than once per file (that load costs more CPU
 * than most files' tests). The core, http and server folders run as one process each (their tests
 * build fresh mocks in-process, on port 0 and in temp folders); the CLI tests, which wait on the CLI
 * processes they spawn, run as two processes so that they overlap; the package test, the longest,
 * runs alone and first. Three processes at a time. Given file paths, runs just those.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = resolve(import.meta.dirname, '../..')
/** started first: the longest single file (it packs and installs the package) */
const FIRST = join(ROOT, 'test', 'cli', 'package.test.ts')
/** folder -> how many processes share its files (round robin, in name order); the longest first */
const GROUPS = { server: 1, cli: 2, http: 1, core: 1 }

const testFiles = async (folder) =>
  (await readdir(join(ROOT, 'test', folder)))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(ROOT, 'test', folder, name))

const requested = process.argv.slice(2)
const work = await mkdtemp(join(tmpdir(), 'restmock-suite-'))
let entries = requested
if (requested.length === 0) {
  // the longest first, so that the three slots end together
  entries = [FIRST]
  for (const [folder, count] of Object.entries(GROUPS)) {
    const files = (await testFiles(folder)).filter((file) => file !== FIRST)
    for (let group = 0; group < count; group++) {
      const share = files.filter((_, index) => index % count === group)
      if (share.length === 0) continue
      const entry = join(work, `${folder}-${group + 1}.test.mjs`)
      await writeFile(
        entry,
        share.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)}\n`).join(''),
      )
      entries.push(entry)
    }
  }
}

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-reporter=${process.env.RESTMOCK_TEST_REPORTER ?? join(ROOT, 'test/support/reporter.mjs')}`,
    '--test-reporter-destination=stdout',
    '--test-concurrency=3',
    ...entries,
  ],
  { cwd: ROOT, stdio: 'inherit' },
)
const code = await new Promise((done) =>
  child.once('close', (exit, signal) => done(exit ?? (signal ? 1 : 0))),
)
await rm(work, { recursive: true, force: true })
process.exitCode = code
