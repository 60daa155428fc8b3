/**
 * The settle-once-with-a-deadline shape of every raw HTTP exchange with the API server (plain
 * requests in client.ts, port-forward upgrades in portforward.ts): the first of answer, error or
 * deadline wins, later events are ignored, and on the deadline the request is destroyed so no
 * socket outlives the call.
 */
export interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Starts the exchange with `start`, which wires its events to `settle`; rejects with `timedOut()`
 * and destroys the request after `timeoutMs` (0: no deadline, as kubectl's --request-timeout=0).
 */
export function settleOnce<T>(timeoutMs: number, timedOut: () => Error, start: (settle: Settle<T>) => { destroy(): unknown }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      f();
    };
    const settle: Settle<T> = { resolve: (v) => finish(() => resolve(v)), reject: (e) => finish(() => reject(e)) };
    const req = start(settle);
    if (timeoutMs > 0 && !done) {
      timer = setTimeout(() => {
        settle.reject(timedOut());
        req.destroy();
      }, timeoutMs);
    }
  });
}
