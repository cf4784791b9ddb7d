import type { Argv } from 'yargs'

export interface ServeArgs {
  source?: string
  port: number
  host: string
  db?: string
  'in-memory'?: boolean
  data?: string
  seed?: number
  locale?: string
  reset: boolean
  sync: boolean
  'base-path'?: string
  quiet: boolean
  cors: boolean
  'body-limit'?: number
  latency?: string
  'error-rate'?: number
  prefer: boolean
  admin: boolean
  'admin-token'?: string
  'admin-origin'?: string
}

export function serveOptions(yargs: Argv): Argv<ServeArgs> {
  return yargs
    .positional('source', { type: 'string', describe: 'manifest (restmock.yaml) or json-server db.json' })
    .option('port', { alias: 'p', type: 'number', default: 3000, describe: 'port (0 picks a free one)' })
    .option('host', { alias: 'H', type: 'string', default: '127.0.0.1', describe: 'interface to listen on' })
    .option('db', {
      type: 'string',
      describe: 'state file (default: <manifest>.state.json, or the db.json itself)',
    })
    .option('in-memory', { type: 'boolean', describe: 'keep no state file' })
    .option('data', { type: 'string', describe: "seed data file or folder (overrides the manifest's data)" })
    .option('seed', { type: 'number', describe: 'random seed (reproducible ids, data and simulation)' })
    .option('locale', {
      type: 'string',
      describe: 'faker locale for generated records, e.g. de (default: en)',
    })
    .option('reset', {
      type: 'boolean',
      default: false,
      describe: 'discard saved state and start from the seed',
    })
    .option('sync', {
      type: 'boolean',
      default: false,
      describe: 'fsync each write before answering (survives power loss; slower)',
    })
    .option('base-path', {
      type: 'string',
      describe: "prefix for every resource route (overrides the manifest's)",
    })
    .option('body-limit', { type: 'number', describe: 'request body limit in bytes (default 1048576)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no request log' })
    .option('cors', { type: 'boolean', default: true, describe: 'CORS headers (--no-cors to turn off)' })
    .option('latency', {
      type: 'string',
      describe: 'simulated latency of every response in ms: 200, or a range such as 50-300',
    })
    .option('error-rate', {
      type: 'number',
      describe: 'share of requests that fail with a simulated 500, from 0 to 1 (such as 0.05)',
    })
    .option('prefer', {
      type: 'boolean',
      default: true,
      describe: 'honour Prefer: status=/delay=/fault= and _status/_delay/_fault (--no-prefer to ignore)',
    })
    .option('admin', {
      type: 'boolean',
      default: true,
      describe: 'admin API under /__restmock (--no-admin to remove it)',
    })
    .option('admin-token', {
      type: 'string',
      // an empty variable counts as unset
      default: process.env.RESTMOCK_ADMIN_TOKEN || undefined,
      // never print the token itself in --help
      defaultDescription: '$RESTMOCK_ADMIN_TOKEN',
      describe: 'require Authorization: Bearer <token> on every admin request',
    })
    .option('admin-origin', {
      type: 'string',
      describe:
        'the one web origin allowed to call the admin API from a browser (CORS), such as http://localhost:5173',
    })
    .conflicts('in-memory', 'db') as unknown as Argv<ServeArgs>
}
