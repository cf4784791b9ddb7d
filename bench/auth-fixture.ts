import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface AuthManifests {
  /** posts without any auth block */
  plain: string
  /** an auth block, posts left open (protect: none) */
  open: string
  /** posts need the read scope: every GET checks a bearer JWT */
  protected: string
}

/** Three manifests over the same posts db.json, for the auth scenarios of bench/run.ts. */
export async function writeAuthManifests(dir: string, dbFile: string): Promise<AuthManifests> {
  const auth = {
    users: { bench: { password: 'pw', scopes: ['read'] } },
    tokens: { algorithm: 'RS256', ttl: '1h' },
  }
  const manifests = {
    plain: { data: dbFile, resources: { posts: {} } },
    open: { data: dbFile, auth, resources: { posts: {} } },
    protected: { data: dbFile, auth, resources: { posts: { auth: { read: ['read'] } } } },
  }
  const paths: Record<string, string> = {}
  for (const [name, manifest] of Object.entries(manifests)) {
    paths[name] = join(dir, `auth-${name}.json`)
    await writeFile(paths[name]!, JSON.stringify(manifest))
  }
  return paths as unknown as AuthManifests
}

/** A password-grant access token from a running mock. */
export async function benchToken(url: string): Promise<string> {
  const response = await fetch(`${url}/__restmock/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&username=bench&password=pw',
  })
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`)
  return ((await response.json()) as { access_token: string }).access_token
}

/** CPU time (user + system) a process has used, in ms, from /proc; undefined where there is none. */
export async function cpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // the fields after the command name (which may hold spaces) start at field 3
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return undefined
  }
}

/** Linux clock ticks are 10 ms (USER_HZ is 100 on every mainstream kernel). */
const TICK_MS = 10
