import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from './domain-error';
import { isDatabaseUnavailable } from '../database/database-errors';

/** What a 503 (database or storage unavailable) asks a client, or an MTA, to wait before retrying. */
const RETRY_AFTER_SECONDS = 30;

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Every error leaves as {statusCode, error, message}; nothing is swallowed. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (response.headersSent) return;
    if (body.statusCode === 503 && !response.getHeader('Retry-After')) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return { statusCode: exception.httpStatus, error: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const message = typeof res === 'string' ? res : Array.isArray((res as { message?: unknown }).message)
        ? ((res as { message: string[] }).message).join('; ')
        : String((res as { message?: unknown }).message ?? exception.message);
      return { statusCode: status, error: errorCodeFor(status), message };
    }
    const bodyError = requestBodyError(exception);
    if (bodyError) return bodyError;
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: 503, error: 'unavailable', message: 'The database is unavailable; retry later' };
    }
    return { statusCode: 500, error: 'internal_error', message: 'Internal server error' };
  }
}

/**
 * body-parser's errors (http-errors with `expose` set for a client's fault): the client sent a body
 * that cannot be read, which is never the server's failure.
 */
function requestBodyError(exception: unknown): ErrorBody | null {
  const error = exception as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown } | null;
  if (!error || typeof error !== 'object') return null;
  const known = typeof error.type === 'string' ? BODY_ERRORS[error.type] : undefined;
  if (known) {
    const message = typeof known.message === 'function' ? known.message(String(error.message)) : known.message;
    return { statusCode: known.status, error: errorCodeFor(known.status), message };
  }
  // A broken gzip or deflate stream: zlib's error, wrapped by body-parser as 400.
  if (error.expose === true && typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    return { statusCode: error.status, error: errorCodeFor(error.status), message: 'The request body could not be read' };
  }
  return null;
}

const BODY_ERRORS: Record<string, { status: number; message: string | ((detail: string) => string) }> = {
  'entity.parse.failed': { status: 400, message: (detail) => `Malformed JSON body: ${detail}` },
  'entity.too.large': { status: 413, message: 'Request body is too large' },
  'entity.verify.failed': { status: 400, message: 'The request body was refused' },
  'request.aborted': { status: 400, message: 'The client closed the connection before the body was complete' },
  'request.size.invalid': { status: 400, message: 'The body does not match its Content-Length' },
  'encoding.unsupported': { status: 415, message: 'Unsupported Content-Encoding (identity, gzip, deflate and br are accepted)' },
  'charset.unsupported': { status: 415, message: 'Unsupported charset (send JSON as UTF-8)' },
};

function errorCodeFor(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 415: return 'unsupported_media_type';
    case 422: return 'unprocessable';
    case 429: return 'too_many_requests';
    case 503: return 'unavailable';
    default: return status >= 500 ? 'internal_error' : 'error';
  }
}
