import { ThrottlerStorageService } from '@nestjs/throttler';
import { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { AuthFailureLimiter } from './auth-failure-limiter';

describe('AuthFailureLimiter on the throttler storage', () => {
  let storage: ThrottlerStorageService;
  let limiter: AuthFailureLimiter;
  const config = { rateLimits: { authFailuresPerMinute: 3 } } as AppConfig;
  const request = (ip: string) => ({ ip }) as Request;
  const response = () => {
    const headers: Record<string, string> = {};
    return { headers, setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response & { headers: Record<string, string> };
  };
  const failures = async (ip: string, count: number) => {
    for (let i = 0; i < count; i++) await limiter.recordFailure(request(ip), response());
  };
  const refusal = async (attempt: Promise<void>) => attempt.then(() => null, (error: DomainError) => error);

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-03-02T10:00:00Z') });
    storage = new ThrottlerStorageService();
    limiter = new AuthFailureLimiter(storage, config);
  });
  afterEach(() => {
    storage.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('blocks an address at the failure after the limit, for a minute, with Retry-After', async () => {
    await failures('192.0.2.1', 3);
    await expect(limiter.assertNotBlocked(request('192.0.2.1'), response())).resolves.toBeUndefined();
    const res = response();
    const error = await refusal(limiter.recordFailure(request('192.0.2.1'), res));
    expect(error).toMatchObject({ code: 'too_many_requests' });
    expect(res.headers['Retry-After']).toBe('60');

    jest.advanceTimersByTime(30_000);
    const blocked = response();
    expect(await refusal(limiter.assertNotBlocked(request('192.0.2.1'), blocked))).toMatchObject({ code: 'too_many_requests' });
    expect(blocked.headers['Retry-After']).toBe('30');
    await expect(limiter.assertNotBlocked(request('192.0.2.2'), response())).resolves.toBeUndefined();

    jest.advanceTimersByTime(30_001);
    await expect(limiter.assertNotBlocked(request('192.0.2.1'), response())).resolves.toBeUndefined();
    await failures('192.0.2.1', 3);
    expect(await refusal(limiter.recordFailure(request('192.0.2.1'), response()))).toMatchObject({ code: 'too_many_requests' });
  });

  it('does not count the block checks of successful requests as failures', async () => {
    for (let i = 0; i < 100; i++) await limiter.assertNotBlocked(request('192.0.2.3'), response());
    await failures('192.0.2.3', 3);
    await expect(limiter.assertNotBlocked(request('192.0.2.3'), response())).resolves.toBeUndefined();
  });

  it('forgets failures older than a minute', async () => {
    await failures('192.0.2.4', 3);
    jest.advanceTimersByTime(60_001);
    await failures('192.0.2.4', 3);
    await expect(limiter.assertNotBlocked(request('192.0.2.4'), response())).resolves.toBeUndefined();
  });
});
