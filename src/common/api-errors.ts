import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The body of every error (see HttpErrorFilter), one schema in the OpenAPI document. */
export class ErrorResponse {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'not_found', description: 'A stable code: bad_request, unauthorized, forbidden, not_found, conflict, limit_exceeded, ...' })
  error: string;
  @ApiProperty({ example: 'Ticket not found' }) message: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Facts about the refusal, such as a tier limit and the current count' })
  details?: Record<string, unknown>;
}

const MEANING = {
  400: 'A field, parameter or body is invalid (the message names it)',
  401: 'Missing, invalid or revoked bearer token (or, for the webhook, signature)',
  403: 'The token lacks the role, or its tenant is disabled',
  404: 'Not found, or not visible to this token',
  409: 'Conflicts with the current state',
  413: 'The body is too large',
  415: 'The body is not of the accepted type (JSON; message/rfc822 for the webhook)',
  422: 'Valid, but refused by a rule or a tier limit',
  429: 'Too many requests; Retry-After says when to try again',
  500: 'An unexpected failure (logged with its stack)',
  503: 'The database or storage is unavailable; Retry-After says when to try again',
} as const;

export type ErrorStatus = keyof typeof MEANING;

/** The error answers a route can give, each with the shared error body. */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: MEANING[status], type: ErrorResponse })));
}

/** What every route behind a bearer token may answer, beside its own errors. */
export const AUTHENTICATED_ERRORS: ErrorStatus[] = [401, 403, 429, 503];
/** What every route taking a JSON body may answer. */
export const JSON_BODY_ERRORS: ErrorStatus[] = [400, 413, 415];
