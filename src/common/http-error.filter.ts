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
    const bodyParserError = exception as { type?: string; status?: number; message?: string };
    if (bodyParserError?.type === 'entity.parse.failed') {
      return { statusCode: 400, error: 'bad_request', message: `Malformed JSON body: ${bodyParserError.message}` };
    }
    if (bodyParserError?.type === 'entity.too.large') {
      return { statusCode: 413, error: 'payload_too_large', message: 'Request body is too large' };
    }
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: 503, error: 'unavailable', message: 'The database is unavailable; retry later' };
    }
    return { statusCode: 500, error: 'internal_error', message: 'Internal server error' };
  }
}

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
    case 503: return 'unavailable';
    default: return status >= 500 ? 'internal_error' : 'error';
  }
}
