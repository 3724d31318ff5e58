import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { NextFunction, Request, Response } from 'express';

export const API_DOCS_PATH = 'api/docs';

/**
 * Swagger UI's page has inline <style> blocks and its widgets set style attributes, so it cannot
 * live under the UI's policy; its scripts are files, so scripts stay 'self' only.
 */
export const API_DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The OpenAPI document from the controllers' and DTOs' decorators (built with tsc, so there is no
 * Swagger CLI plugin: every property is decorated by hand): Swagger UI at /api/docs, the JSON at
 * /api/docs-json. Both are public, like the routes they describe.
 */
export function useApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Inbound')
    .setDescription('Turns e-mail into helpdesk tickets for many tenants. JSON in and out; errors are {statusCode, error, message, details?}.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN, or a tenant token from POST /api/tenants/{tenantId}/tokens' })
    .build();
  app.use(`/${API_DOCS_PATH}`, (_request: Request, response: Response, next: NextFunction) => {
    response.set({ 'Content-Security-Policy': API_DOCS_CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    next();
  });
  SwaggerModule.setup(API_DOCS_PATH, app, () => SwaggerModule.createDocument(app, config, { autoTagControllers: false }), {
    raw: ['json'],
    customSiteTitle: 'Inbound API',
    swaggerOptions: { validatorUrl: null },
  });
}
