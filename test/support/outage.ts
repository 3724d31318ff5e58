import { DomainError } from '../../src/common/domain-error';
import { IngestService } from '../../src/inbound/ingest.service';

/**
 * The pipeline answers "database unavailable" to its first `times` messages, then works again.
 * `onRefusal` runs at each refusal, to look at the source's state at that very moment.
 */
export function simulateOutage(ingest: IngestService, times: number, onRefusal: () => void = () => undefined): { refusals(): number; restore(): void } {
  const original = ingest.ingest.bind(ingest);
  let refusals = 0;
  const spy = jest.spyOn(ingest, 'ingest').mockImplementation(async (...args) => {
    if (refusals < times) {
      refusals += 1;
      onRefusal();
      throw new DomainError('unavailable', 'simulated database outage');
    }
    return original(...args);
  });
  return { refusals: () => refusals, restore: () => spy.mockRestore() };
}
