import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { exportOpenApi, openApiJson } from '../../src/core/openapi/export-document.ts'
import { createApp } from '../../src/http/app.ts'
import { crmApp, expectProblem } from '../support/helpers.ts'

/** GET /__restmock/openapi.json and the docs page's routes, in process. */

describe('GET /__restmock/openapi.json', () => {
  test("answers the mock's document as restmock openapi writes it; ?includeAdmin=true adds the admin API", async () => {
    const app = crmApp()
    const response = await app.request('/__restmock/openapi.json')
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.equal(await response.text(), openApiJson(exportOpenApi(app.engine.manifest)))
    const admin = (await (await app.request('/__restmock/openapi.json?includeAdmin=true')).json()) as {
      paths: Record<string, unknown>
    }
    assert.ok(admin.paths['/__restmock/db'])
    assert.ok(admin.paths['/customers'])
  })

  test('a bad includeAdmin value is a 400; only GET, HEAD and OPTIONS', async () => {
    const app = crmApp()
    const bad = await expectProblem(
      await app.request('/__restmock/openapi.json?includeAdmin=yes'),
      400,
      'invalid_query',
    )
    assert.match(bad.detail, /includeAdmin=yes.*true or false/)
    const head = await app.request('/__restmock/openapi.json', { method: 'HEAD' })
    assert.equal(head.status, 200)
    const options = await app.request('/__restmock/docs', { method: 'OPTIONS' })
    assert.equal(options.status, 204)
    assert.equal(options.headers.get('allow'), 'GET, HEAD, OPTIONS')
    const post = await app.request('/__restmock/openapi.json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    })
    await expectProblem(post, 405, 'method_not_allowed')
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS')
  })

  test('is part of the admin API: listed in GET /__restmock, gone with admin: false', async () => {
    const app = crmApp()
    const info = (await (await app.request('/__restmock')).json()) as { endpoints: string[] }
    assert.ok(info.endpoints.includes('GET /__restmock/openapi.json'))
    assert.ok(info.endpoints.includes('GET /__restmock/docs'))
    const closed = createApp({ engine: app.engine, admin: false })
    assert.equal((await closed.request('/__restmock/openapi.json')).status, 404)
  })
})

describe('GET /__restmock/docs', () => {
  test('an HTML page loading Swagger UI from the mock, pointed at the document', async () => {
    const app = crmApp()
    const page = await app.request('/__restmock/docs')
    assert.equal(page.status, 200)
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8')
    const html = await page.text()
    assert.match(html, /<title>Test CRM · API docs<\/title>/)
    assert.match(html, /src="\/__restmock\/docs\/swagger-ui-bundle\.js"/)
    assert.match(html, /href="\/__restmock\/docs\/swagger-ui\.css"/)
    assert.match(html, /url: '\/__restmock\/openapi\.json'/)
    assert.match(html, /validatorUrl: null/)
    assert.doesNotMatch(html, /https?:\/\//, 'nothing from the network')
    const script = await app.request('/__restmock/docs/swagger-ui-bundle.js')
    assert.equal(script.status, 200)
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8')
    assert.match(await script.text(), /SwaggerUIBundle/)
    const css = await app.request('/__restmock/docs/swagger-ui.css')
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8')
    await expectProblem(await app.request('/__restmock/docs/../package.json'), 404, 'not_found')
    await expectProblem(await app.request('/__restmock/docs/index.html'), 404, 'not_found')
  })

  test('without assets (an app built without the server layer) the page is a 404 saying why', async () => {
    const bare = createApp({ engine: crmApp().engine })
    const problem = await expectProblem(await bare.request('/__restmock/docs'), 404, 'not_found')
    assert.match(problem.detail, /docs page is not available/)
    assert.equal((await bare.request('/__restmock/openapi.json')).status, 200)
  })
})
