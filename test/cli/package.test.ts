import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { promisify } from 'node:util'
import { ROOT } from '../support/cli-helpers.ts'

/**
 * The published package, as a user gets it: `npm pack` (its prepack/prepare scripts build dist/) from a
 * copy of the project, `npm install` of the tarball into a fresh project, then the consumer's view:
 * types under TypeScript 5 (NodeNext and Bundler, strict, no skipLibCheck), import, require and the bins.
 */

const run = promisify(execFile)
const NPM_ENV = {
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
}

let work = ''
let consumer = ''
let packedFiles: string[] = []
/** why the consumer steps cannot run here (no npm registry and no cached copy of a dependency) */
let unavailable: string | undefined
let missingDistHint: { code: number | undefined; stderr: string } | undefined

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'restmock-package-'))
  const project = join(work, 'project')
  await mkdir(project)
  for (const entry of [
    'package.json',
    'bin',
    'src',
    'seeds',
    'docs',
    'README.md',
    'LICENSE',
    'tsconfig.json',
    'tsconfig.build.json',
  ]) {
    await cp(join(ROOT, entry), join(project, entry), { recursive: true })
  }
  // files a user's runs leave beside the seeds: never part of the package
  await writeFile(join(project, 'seeds', 'restmock.state.json'), '{}')
  await writeFile(join(project, 'seeds', 'restmock.state.json.journal'), '')
  await mkdir(join(project, 'seeds', '.restmock'))
  await writeFile(join(project, 'seeds', '.restmock', 'db.json'), '{}')
  await symlink(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir')

  // before any build: the bin explains what is missing
  const bare = await run(process.execPath, [join(project, 'bin', 'restmock.js'), '--help'], {
    cwd: project,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
  )
  missingDistHint = bare

  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: project,
    env: NPM_ENV,
  })
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[]
  packedFiles = packed!.files.map((file) => file.path)

  consumer = join(work, 'consumer')
  await mkdir(consumer)
  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  )
  try {
    // TypeScript 5 for the consumer (ours is 7): from the npm cache when it has it, like the dependencies
    const packages = [join(work, packed!.filename), 'typescript@^5.9']
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], {
      cwd: consumer,
      env: NPM_ENV,
    })
  } catch (error) {
    const output = String((error as { stderr?: string }).stderr ?? error)
    if (!/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED|network/i.test(output))
      throw error
    unavailable = `npm install of the packed tarball needs the npm registry or a cached copy of every dependency: ${output.split('\n').find((line) => /ERR/.test(line)) ?? output.slice(0, 200)}`
  }
})

after(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true })
})

describe('the npm package', () => {
  test('the bin of an unbuilt checkout says how to build, in one line', () => {
    assert.equal(missingDistHint?.code, 1)
    assert.equal(missingDistHint?.stderr.trim().split('\n').length, 1)
    assert.match(missingDistHint?.stderr ?? '', /run `npm run build`/)
  })

  test('holds compiled code, types, bins, seeds and docs; no sources, tests, benchmarks or state', () => {
    for (const required of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/restmock.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'seeds/restmock.yaml',
      'seeds/db.json',
      'dist/docs-assets/swagger-ui-bundle.js',
      'dist/docs-assets/LICENSE',
      'dist/docs-assets/NOTICE',
    ]) {
      assert.ok(packedFiles.includes(required), `${required} is packed`)
    }
    const unwanted = packedFiles.filter(
      (path) =>
        /^(src|test|bench|\.scratch)\//.test(path) ||
        /(^|\/)\.restmock\//.test(path) ||
        /\.state\.json|\.journal|\.tsbuildinfo$|\.built$/.test(path) ||
        (path.endsWith('.ts') && !path.endsWith('.d.ts')),
    )
    assert.deepEqual(unwanted, [])
    const scripts = packedFiles.filter(
      (path) => path.startsWith('dist/') && !path.startsWith('dist/docs-assets/') && path.endsWith('.js'),
    )
    const untyped = scripts.filter((path) => !packedFiles.includes(path.replace(/\.js$/, '.d.ts')))
    assert.deepEqual(untyped, [], 'every module has its declarations')
  })

  test('its types check in a strict consumer under TypeScript 5, NodeNext and Bundler', async (t) => {
    if (unavailable !== undefined) return t.skip(unavailable)
    await writeFile(join(consumer, 'consumer.ts'), CONSUMER)
    const config = (compilerOptions: Record<string, unknown>): string =>
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          strict: true,
          noEmit: true,
          // our declarations and the libraries they use are checked; TypeScript's own lib files are not
          skipLibCheck: false,
          skipDefaultLibCheck: true,
          ...compilerOptions,
        },
        files: ['consumer.ts'],
      })
    // a Node project with @types/node, and a bundler project with only the DOM's fetch types
    await writeFile(
      join(consumer, 'tsconfig.nodenext.json'),
      config({
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023'],
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      }),
    )
    await writeFile(
      join(consumer, 'tsconfig.bundler.json'),
      config({ module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2023', 'DOM'], types: [] }),
    )
    const tsc = join(consumer, 'node_modules', 'typescript', 'bin', 'tsc')
    const check = (project: string): Promise<unknown> =>
      run(process.execPath, [tsc, '-p', project], { cwd: consumer }).catch((error: { stdout?: string }) => {
        assert.fail(`tsc -p ${project} failed:\n${error.stdout ?? String(error)}`)
      })
    const installed = join(consumer, 'node_modules', 'typescript', 'package.json')
    const { version } = JSON.parse(await readFile(installed, 'utf8')) as { version: string }
    assert.match(version, /^5\./)
    await Promise.all([check('tsconfig.nodenext.json'), check('tsconfig.bundler.json')])
  })

  test('loads with import and with require, and serves', async (t) => {
    if (unavailable !== undefined) return t.skip(unavailable)
    const script = (load: string): string =>
      `${load}.then(async (m) => { const mock = m.createMock({ data: { posts: [{ id: 1 }] } });` +
      ` const r = await mock.request('/posts/1'); console.log(Object.keys(m).sort().join(','), r.status) })`
    const imported = await run(process.execPath, ['-e', script("import('restmock-server')")], {
      cwd: consumer,
    })
    const required = await run(
      process.execPath,
      ['-e', script("Promise.resolve(require('restmock-server'))")],
      {
        cwd: consumer,
      },
    )
    for (const { stdout, stderr } of [imported, required]) {
      assert.equal(stdout.trim(), 'AdminApiError,ConfigError,connectMock,createMock,startMock 200')
      assert.equal(stderr, '')
    }
  })

  test('installs no dependency with an install script, and serves the docs page from its own files', async (t) => {
    if (unavailable !== undefined) return t.skip(unavailable)
    const modules = join(consumer, 'node_modules')
    const packages = (await readdir(modules)).flatMap((name) =>
      name.startsWith('@')
        ? readdirSync(join(modules, name)).map((scoped) => `${name}/${scoped}`)
        : name.startsWith('.')
          ? []
          : [name],
    )
    const scripted = packages.filter((name) => {
      const manifest = JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')) as {
        scripts?: Record<string, string>
      }
      return ['preinstall', 'install', 'postinstall'].some((hook) => manifest.scripts?.[hook] !== undefined)
    })
    assert.deepEqual(scripted, [])
    const script =
      "import('restmock-server').then(async (m) => { const mock = m.createMock({ data: { posts: [] } });" +
      " const r = await mock.request('/__restmock/docs/swagger-ui-bundle.js');" +
      " console.log(r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength > 100000) })"
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: consumer })
    assert.equal(stdout.trim(), '200 text/javascript; charset=utf-8 true')
  })

  test('installs both bins', async (t) => {
    if (unavailable !== undefined) return t.skip(unavailable)
    const bin = (name: string): string => join(consumer, 'node_modules', '.bin', name)
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    const [help, shown] = await Promise.all([
      run(bin('restmock'), ['--help'], { cwd: consumer }),
      run(bin('restmock-server'), ['--version'], { cwd: consumer }),
    ])
    assert.match(help.stdout, /^restmock \[source\]/)
    assert.equal(shown.stdout.trim(), version)
  })
})

/** What a test author writes against the public API. */
const CONSUMER = `
import {
  AdminApiError,
  type AdminClient,
  ConfigError,
  connectMock,
  createMock,
  type DbState,
  type Fault,
  type FaultInput,
  type InProcessMock,
  type IssuedTokens,
  type JournalEntry,
  type Manifest,
  type Mock,
  type MockOptions,
  type MockSession,
  type OpenApiDocument,
  type Problem,
  type SimulationPolicy,
  type StartOptions,
  startMock,
  type TokenRequest,
} from 'restmock-server'

const options: StartOptions = { source: 'fixtures/shop.yaml', seed: 42, port: 0 }
const mock: Mock = await startMock(options)
const input: FaultInput = { method: 'POST', path: '/orders', status: 503, times: 1 }
const fault: Fault = await mock.faults.add(input)
await mock.faults.add({ path: '/orders/:id', fault: 'reset', delay: '2s' })
const faults: Fault[] = await mock.faults.list()
await mock.faults.remove(fault.id)
await mock.faults.clear()
const policy: SimulationPolicy = await mock.simulation.set({
  latency: '50-300',
  errors: { rate: 0.1, status: { 500: 3, 503: 1 }, retryAfter: '5s' },
  rateLimit: { limit: 10, by: 'header:x-user' },
})
await mock.simulation.resource('orders').set({ faults: { rate: 0.5, kind: ['reset', 'dribble'] } })
await mock.simulation.routes.set({ 'POST /orders': { latency: 100 } })
await mock.simulation.clear()
const entries: JournalEntry[] = await mock.requests.list({ method: 'POST', status: '5xx' })
const posted: number = await mock.requests.count({ method: 'POST', path: '/orders', status: 201 })
await mock.requests.clear()
const db: DbState = await mock.db.get()
await mock.db.put(db)
const { status }: { status: 'ok' } = await mock.health()
await mock.reset()
await mock.close()

const manifest = { resources: { posts: {} } }
const app: InProcessMock = createMock({ manifest, data: { posts: [] } } satisfies MockOptions)
const response: Response = await app.request('/posts', { method: 'POST', body: '{}' })
const fetched: Response = await app.fetch(new Request('http://localhost/posts'))
await app.faults.add({ path: '/posts', status: 500 })

const remote: AdminClient = connectMock('http://localhost:3000', { adminToken: 'secret' })
const session: MockSession = mock.session('worker-1')
const sessionHeaders: Readonly<Record<string, string>> = session.headers
const viaSession: Response = await session.fetch('/api/customers', { method: 'GET' })
await session.reset()
await session.faults.add({ method: 'POST', path: '/orders', status: 503 })
await session.simulation.set({ latency: 100 })
const sessionEntries: JournalEntry[] = await session.requests.list({ method: 'GET' })
const inSession: number = await remote.session('worker-2').requests.count()
const whom: TokenRequest = { user: 'ada', scopes: ['read'] }
const tokens: IssuedTokens = await mock.auth.token(whom)
await remote.auth.token({ client: 'demo-client' })
const document: OpenApiDocument = await mock.openapi({ includeAdmin: true })
const typed = {
  basePath: '/api',
  auth: { users: { ada: { password: 'pw', scopes: ['read'] } }, protect: 'writes' },
  resources: {
    posts: { count: 2, fields: { title: { type: 'string', required: true }, tagIds: { type: 'array', items: { type: 'integer', ref: 'tags' } } } },
    tags: null,
  },
} satisfies Manifest
createMock({ manifest: typed, sessionTtl: '30m', maxSessions: 10, idField: 'id', auth: false })
// @ts-expect-error a misspelt manifest key is a type error
const misspelt = { resources: { posts: { cuont: 2 } } } satisfies Manifest
// @ts-expect-error the engine is not part of the public API
app.engine
try {
  await remote.reset()
} catch (error) {
  if (error instanceof AdminApiError) {
    const problem: Problem = error.problem
    console.log(problem.title, error.status, error.code, error.detail)
  } else if (error instanceof ConfigError) {
    console.log(error.issues.map((issue) => issue.path), error.format())
  }
}
const manifestKeys: (keyof Manifest)[] = ['resources', 'basePath']
console.log(faults, policy, entries, posted, status, response.status, fetched.ok, mock.url, mock.port, mock.seed, manifestKeys)
console.log(sessionHeaders, viaSession.ok, sessionEntries, inSession, tokens.access_token, document.openapi, session.url, misspelt)
`
