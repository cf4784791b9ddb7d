import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { after } from 'node:test'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = join(ROOT, 'bin', 'restmock.js')
/** A stack trace line: expected failures must never print one. */
export const STACK_LINE = /^ {4}at /m

export interface Result {
  code: number | null
  stdout: string
  stderr: string
}

const tempDirs: string[] = []
after(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/** A fresh temp folder, removed when the test file ends. */
export async function tempDir(prefix = 'restmock-cli-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

/** Spawn the real CLI (no colours), with `env` added to this process's environment. */
export function start(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Everything a child process writes, as it comes. */
export function collectOutput(child: ChildProcess): { stdout(): string; stderr(): string } {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  return { stdout: () => stdout, stderr: () => stderr }
}

/** Run the CLI to completion (killed after `timeoutMs`, which fails the test). */
export async function run(args: readonly string[], cwd = ROOT, timeoutMs = 15_000): Promise<Result> {
  const child = start(args, cwd)
  const output = collectOutput(child)
  let timer: NodeJS.Timeout | undefined
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (exitCode) => resolve(exitCode))
      timer = setTimeout(
        () => reject(new Error(`restmock ${args.join(' ')} did not exit in time`)),
        timeoutMs,
      )
    })
    return { code, stdout: output.stdout(), stderr: output.stderr() }
  } finally {
    clearTimeout(timer)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

let inProcessQueue: Promise<unknown> = Promise.resolve()

/**
 * Run the CLI's `main` in this process, collecting what it writes, as `run` does for a child: much
 * cheaper than a child. Calls are queued (main resolves paths against the process's cwd). For
 * commands that exit (validate, generate, import, usage errors, a serve that fails before it listens),
 * never for a server that starts, --help or --version.
 */
export function runInProcess(args: readonly string[], cwd = ROOT): Promise<Result> {
  const next = inProcessQueue.then(() => runQueued(args, cwd))
  inProcessQueue = next.catch(() => {})
  return next
}

function collector(): NodeJS.WritableStream & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      stream.text += chunk.toString()
      callback()
    },
  }) as Writable & { text: string }
  stream.text = ''
  return stream
}

async function runQueued(args: readonly string[], cwd: string): Promise<Result> {
  const { main } = await import('../../src/cli/main.ts')
  const stdout = collector()
  const stderr = collector()
  const previousCwd = process.cwd()
  // a serve adds one to the process's stdout (a reader going away must not crash a server)
  const stdoutListeners = process.stdout.listeners('error')
  process.chdir(cwd)
  try {
    const code = await main(args, { stdout, stderr })
    return { code, stdout: stdout.text, stderr: stderr.text }
  } finally {
    process.chdir(previousCwd)
    for (const listener of process.stdout.listeners('error'))
      if (!stdoutListeners.includes(listener)) process.stdout.off('error', listener as () => void)
  }
}
