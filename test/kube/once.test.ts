import { afterEach, describe, expect, it, vi } from 'vitest';
import { settleOnce } from '../../src/kube/once.js';

afterEach(() => vi.useRealTimers());

describe('settleOnce', () => {
  it('the first settle wins; later ones and the deadline are ignored', async () => {
    vi.useFakeTimers();
    const destroy = vi.fn();
    const p = settleOnce<number>(1000, () => new Error('timed out'), (s) => {
      s.resolve(1);
      s.reject(new Error('late error'));
      s.resolve(2);
      return { destroy };
    });
    await vi.advanceTimersByTimeAsync(5000);
    await expect(p).resolves.toBe(1);
    expect(destroy).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the deadline rejects with the timeout error and destroys the request; a later answer is ignored', async () => {
    vi.useFakeTimers();
    const destroy = vi.fn();
    let settle!: { resolve(v: string): void };
    const p = settleOnce<string>(1000, () => new Error('timed out after 1 s'), (s) => {
      settle = s;
      return { destroy };
    });
    const caught = p.catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(destroy).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    settle.resolve('too late');
    expect(((await caught) as Error).message).toBe('timed out after 1 s');
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it('an error before the deadline clears the timer', async () => {
    vi.useFakeTimers();
    let settle!: { reject(e: unknown): void };
    const p = settleOnce<string>(1000, () => new Error('timed out'), (s) => {
      settle = s;
      return { destroy: () => undefined };
    });
    expect(vi.getTimerCount()).toBe(1);
    settle.reject(new Error('ECONNREFUSED'));
    await expect(p).rejects.toThrow('ECONNREFUSED');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('timeout 0 sets no deadline (kubectl --request-timeout=0)', async () => {
    vi.useFakeTimers();
    let settle!: { resolve(v: string): void };
    const p = settleOnce<string>(0, () => new Error('timed out'), (s) => {
      settle = s;
      return { destroy: () => undefined };
    });
    expect(vi.getTimerCount()).toBe(0);
    settle.resolve('ok');
    await expect(p).resolves.toBe('ok');
  });
});
