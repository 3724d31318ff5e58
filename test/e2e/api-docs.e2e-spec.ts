import { chromium } from 'playwright-core';
import { API_DOCS_CONTENT_SECURITY_POLICY } from '../../src/common/api-docs';
import { CONTENT_SECURITY_POLICY } from '../../src/web/web-assets';
import { startTestApp, TestApp } from '../support/test-app';

interface OpenApiOperation {
  tags?: string[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>>; components: { schemas: Record<string, unknown> } };

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** What the router maps ("GET /api/tickets/{ticketId}"), Swagger UI's own routes left out. */
function mappedRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack
    .flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).filter((m) => HTTP_METHODS.includes(m)).map((m) => ({ method: m, path: layer.route!.path })) : []))
    .filter((route) => !route.path.startsWith('/api/docs'))
    .map((route) => `${route.method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
}

function documentedRoutes(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).filter((m) => HTTP_METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
}

/** The document is built from decorators only, the same on either engine: SQLite suffices. */
describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    const res = await t.http().get('/api/docs-json').expect(200).expect('Content-Type', /application\/json/);
    doc = res.body as OpenApiDocument;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists every route the application maps, and nothing else', () => {
    const mapped = mappedRoutes(t);
    expect(mapped.length).toBeGreaterThan(30);
    expect(documentedRoutes(doc).sort()).toEqual([...new Set(mapped)].sort());
  });

  it('gives every route at least one error answer, each with the shared error body', () => {
    const withoutErrors: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
        if (errors.length === 0) withoutErrors.push(`${method.toUpperCase()} ${path}`);
        for (const [status, response] of errors) {
          if (path === '/health' && status === '503') continue; // /health's 503 is its own report
          expect({ route: `${method} ${path} ${status}`, ref: response.content?.['application/json']?.schema?.$ref }).toEqual({
            route: `${method} ${path} ${status}`,
            ref: '#/components/schemas/ErrorResponse',
          });
        }
      }
    }
    expect(withoutErrors).toEqual([]);
    expect(doc.components.schemas.ErrorResponse).toMatchObject({ required: ['statusCode', 'error', 'message'] });
  });

  it('describes parameters, bodies and the webhook’s raw message with its signature headers', () => {
    const parameters = (method: string, path: string) => (doc.paths[path][method].parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
    expect(parameters('get', '/api/tickets')).toEqual(['query:assignee', 'query:page', 'query:per_page', 'query:q', 'query:sort', 'query:status']);
    expect(parameters('delete', '/api/tenants/{tenantId}/domains/{domainId}')).toEqual(['path:domainId', 'path:tenantId']);
    expect(Object.keys(doc.paths['/api/tickets/{ticketId}/reply'].post.requestBody!.content)).toEqual(['application/json']);
    expect(doc.components.schemas.ReplyDto).toMatchObject({ required: ['body_text'] });
    const webhook = doc.paths['/api/inbound/webhook'].post;
    expect(Object.keys(webhook.requestBody!.content)).toEqual(['message/rfc822']);
    expect(parameters('post', '/api/inbound/webhook')).toEqual(['header:x-inbound-signature', 'header:x-inbound-timestamp']);
    expect(Object.keys(webhook.responses).sort()).toEqual(['200', '400', '401', '404', '413', '415', '422', '503']);
    expect(doc.paths['/api/tickets/{ticketId}/reply'].post).toMatchObject({ tags: ['tickets'] });
  });

  it('serves Swagger UI at /api/docs under its own policy, its scripts from files, and leaves the UI’s policy alone', async () => {
    const page = await t.http().get('/api/docs').expect(200).expect('Content-Type', /text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/<script>/);
    expect(page.headers['content-security-policy']).toBe(API_DOCS_CONTENT_SECURITY_POLICY);
    const init = await t.http().get('/api/docs/swagger-ui-init.js').expect(200).expect('Content-Type', /javascript/);
    expect(init.text).toContain('"openapi"');
    await t.http().get('/api/docs/swagger-ui-bundle.js').expect(200);
    await t.http().get('/api/docs/swagger-ui.css').expect(200);
    const ui = await t.http().get('/').expect(200);
    expect(ui.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('renders in Chromium under that policy: every operation shown, no violation reported', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      const { port } = t.app.getHttpServer().address() as { port: number };
      await page.goto(`http://127.0.0.1:${port}/api/docs`);
      await page.locator('.opblock').first().waitFor();
      const shown = await page
        .locator('.opblock')
        .evaluateAll((blocks) => blocks.map((b) => `${b.querySelector('.opblock-summary-method')?.textContent} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`));
      expect([...new Set(shown)].sort()).toEqual(documentedRoutes(doc).sort());
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
