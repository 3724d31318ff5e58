import { isDatabaseUnavailable, isDeadlock, retryDeadlocks } from './database-errors';

const deadlock = () => Object.assign(new Error('Query failed'), { driverError: { code: 'ER_LOCK_DEADLOCK', errno: 1213 } });

describe('retryDeadlocks', () => {
  it('runs a transaction again after a deadlock and returns its result', async () => {
    const transaction = jest.fn().mockRejectedValueOnce(deadlock()).mockRejectedValueOnce(deadlock()).mockResolvedValue('written');
    await expect(retryDeadlocks(transaction)).resolves.toBe('written');
    expect(transaction).toHaveBeenCalledTimes(3);
  });

  it('gives up after its attempts with the deadlock, which counts as "try again later"', async () => {
    const transaction = jest.fn().mockRejectedValue(deadlock());
    const error = await retryDeadlocks(transaction, 3).catch((e: unknown) => e);
    expect(transaction).toHaveBeenCalledTimes(3);
    expect(isDeadlock(error)).toBe(true);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('takes a deadlock on an AUTO-INC lock, which MariaDB reports as a failed auto-increment read, as a deadlock', async () => {
    const autoIncrement = Object.assign(new Error('Failed to read auto-increment value from storage engine'), { driverError: { code: 'ER_AUTOINC_READ_FAILED', errno: 1467 } });
    expect(isDeadlock(autoIncrement)).toBe(true);
    expect(isDatabaseUnavailable(autoIncrement)).toBe(true);
    const transaction = jest.fn().mockRejectedValueOnce(autoIncrement).mockResolvedValue('written');
    await expect(retryDeadlocks(transaction)).resolves.toBe('written');
  });

  it('does not repeat a transaction that failed for any other reason', async () => {
    const transaction = jest.fn().mockRejectedValue(Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' }));
    await expect(retryDeadlocks(transaction)).rejects.toThrow('Duplicate entry');
    expect(transaction).toHaveBeenCalledTimes(1);
  });
});
