/** The floor: a bare Hono server answering a constant JSON body, started the same way as restmock. */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const body = {
  id: 1,
  title: 'alpha bravo cedar',
  views: 500,
  author: { name: 'Ada Lovelace' },
  published: true,
}
const app = new Hono()
app.all('*', (c) => c.json(body))
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`baseline listening on http://127.0.0.1:${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
