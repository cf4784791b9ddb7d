/**
 * `npm test`: runs the suite with node:test through tsx. Each test folder runs as one process (its
 * files imported by one entry file), so tsx and the sources load once per folder rather than once
 * per file: that load costs more CPU than most files' tests. The package test (it packs and installs
 * the package) runs alone. Three processes at a time, the longest first and the shortest last, so
 * that both cores stay busy to the end. Given file paths, runs just those.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = resolve(import.meta.dirname, '../..')
const ALONE = join(ROOT, 'test', 'cli', 'package.test.ts')
/** by CPU time, the longest first */
const FOLDERS = ['cli', 'server', 'http', 'core']

const testFiles = async (folder) =>
  (await readdir(join(ROOT, 'test', folder)))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(ROOT, 'test', folder, name))

const requested = process.argv.slice(2)
const work = await mkdtemp(join(tmpdir(), 'restmock-suite-'))
let entries = requested
if (requested.length === 0) {
  entries = [ALONE]
  for (const folder of FOLDERS) {
    const files = (await testFiles(folder)).filter((file) => file !== ALONE)
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
