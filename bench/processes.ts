import { type ChildProcess, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'

export interface ServerProcess {
  url: string
  pid: number
  /** from spawn to the "listening on" line */
  startupMs: number
  /** resident memory now, from /proc (undefined where there is no /proc) */
  rss(): Promise<number | undefined>
  stop(): Promise<void>
}

const LISTENING = /listening on (http:\/\/\S+)/

/**
 * Starts a server in its own process and waits for its first line `... listening on http://HOST:PORT`.
 * Later output is read and dropped, so a server that logs every request never blocks on a full pipe.
 */
export function startServer(command: string, args: string[], cwd: string): Promise<ServerProcess> {
  const started = performance.now()
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  return new Promise((resolve, reject) => {
    let stdout = ''
    const onExit = (code: number | null): void =>
      reject(
        new Error(`${[command, ...args].join(' ')} exited (${code}) before listening:\n${stderr}${stdout}`),
      )
    const onData = (chunk: Buffer): void => {
      stdout += chunk.toString()
      const match = LISTENING.exec(stdout)
      if (!match) return
      const startupMs = performance.now() - started
      child.stdout!.off('data', onData)
      child.stdout!.resume()
      child.off('exit', onExit)
      resolve({
        url: match[1]!,
        pid: child.pid!,
        startupMs,
        rss: () => residentBytes(child.pid!),
        stop: () => stop(child),
      })
    }
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
  })
}

async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status)
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** SIGTERM (a clean shutdown: restmock compacts its journal), SIGKILL if it takes more than 20 s. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
