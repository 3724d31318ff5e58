import { INestApplication } from '@nestjs/common';
import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from './domain-error';

const WEBHOOK_PATH = '/api/inbound/webhook';

/**
 * JSON bodies for the API. The webhook is left alone: it reads its own body, and only once the
 * caller's headers can be right (sources/webhook/signed-webhook-bodies.ts).
 */
export function useRequestBodies(app: INestApplication): void {
  // Replies may carry attachments (base64 in JSON); everything else is small.
  app.use(/^\/api\/tickets\/\d+\/reply$/, json({ limit: '15mb' }));
  app.use(exceptWebhook(json({ limit: '1mb' })));
  app.use(refuseBodiesThatAreNotJson);
}

/** Matched as loosely as the router matches the route: any case, a trailing slash. */
function isWebhook(request: Request): boolean {
  return request.path.toLowerCase().replace(/\/+$/, '') === WEBHOOK_PATH;
}

function exceptWebhook(handler: RequestHandler): RequestHandler {
  return (request, response, next) => (isWebhook(request) ? next() : handler(request, response, next));
}

/**
 * The JSON parser skips a body of another type (text/plain, a form), which would then reach the
 * DTO as if nothing had been sent: 415 says what is wrong instead.
 */
function refuseBodiesThatAreNotJson(request: Request, _response: Response, next: NextFunction): void {
  const sent = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!sent || !request.path.toLowerCase().startsWith('/api/') || isWebhook(request) || request.is('application/json')) return next();
  next(new DomainError('unsupported_media_type', 'The API takes JSON bodies only (Content-Type: application/json)'));
}
