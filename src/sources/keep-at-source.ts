import { DomainError } from '../common/domain-error';
import { isDatabaseUnavailable } from '../database/database-errors';

/**
 * The pipeline's "keep the message and try later": the database could not commit, or DATA_DIR
 * could not store it. The source leaves the message where it is and backs off; any other error
 * is the message's own.
 */
export function keepAtSource(error: unknown): boolean {
  return (error instanceof DomainError && error.code === 'unavailable') || isDatabaseUnavailable(error);
}
