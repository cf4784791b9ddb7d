import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ROOT } from '../support/cli-helpers.ts'

/**
 * `restmock --help` and `--version` load the command definitions only: the server, the HTTP app, the
 * generator and the OpenAPI exporter load when a command runs. The compiled bin runs with a module
 * hook that reports every module it loads (a hook thread posting URLs back to the main thread).
 */

const run = promisify(execFile)

const HOOKS = `
let port
export function initialize(data) { port = data.port }
export async function load(url, context, next) {
  port.postMessage(url)
  return next(url, context)
}`

const RECORDER = `
import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'
const { port1, port2 } = new MessageChannel()
const loaded = []
port1.on('message', (url) => loaded.push(url))
port1.unref()
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), {
  data: { port: port2 },
  transferList: [port2],
})
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(loaded) + '\\n'))`

async function loadedBy(args: string[]): Promise<string[]> {
  const { stderr } = await run(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(RECORDER)}`,
      join(ROOT, 'bin', 'restmock.js'),
      ...args,
    ],
    { cwd: ROOT },
  )
  const line = stderr.split('\n').find((text) => text.startsWith('LOADED '))
  assert.ok(line !== undefined, `no module list in ${stderr}`)
  return (JSON.parse(line.slice('LOADED '.length)) as string[]).map((url) =>
    url.startsWith('file:') ? relative(ROOT, fileURLToPath(url)) : url,
  )
}

test('--help and --version load no server, app, generator or exporter', async () => {
  for (const args of [['--help'], ['--version'], ['generate', '--help']]) {
    const loaded = await loadedBy(args)
    assert.ok(loaded.includes('dist/cli/main.js'), `${args.join(' ')} ran the compiled CLI`)
    const heavy = loaded.filter((path) =>
      /^dist\/(http\/|server\/(start-mock|build-mock|load-source)|core\/(generate|openapi|engine))|node_modules\/(hono|@hono|@faker-js|ajv|lowdb|jose|js-yaml|yaml)\//.test(
        path,
      ),
    )
    assert.deepEqual(heavy, [], `${args.join(' ')} loads only the command definitions`)
  }
})
