/**
 * `npm test`: runs the suite with node:test through tsx. The core, http and server folders run as one
 * process each (their tests build fresh mocks in-process, on port 0 and in temp folders), so tsx and
 * the sources load once per folder rather than once per file; the CLI tests run a process per file.
 * Three processes at a time. Given file paths, runs just those.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = resolve(import.meta.dirname, '../..')
const IN_PROCESS_FOLDERS = ['core', 'http', 'server']
const ALL_FOLDERS = ['server', 'http', 'core', 'cli']
/** started first: the longest single file (it packs and installs the package) */
const FIRST = join(ROOT, 'test', 'cli', 'package.test.ts')

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
  for (const folder of ALL_FOLDERS) {
    const files = (await testFiles(folder)).filter((file) => file !== FIRST)
    if (!IN_PROCESS_FOLDERS.includes(folder)) {
      entries.push(...files)
      continue
    }
    const entry = join(work, `${folder}.test.mjs`)
    await writeFile(
      entry,
      files.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)}\n`).join(''),
    )
    entries.push(entry)
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
