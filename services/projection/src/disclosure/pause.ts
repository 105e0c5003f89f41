/**
 * A long computation in the projection's process (a public release) must not hold the event loop:
 * the Kafka consumer's heartbeats and the HTTP API run on it. `pause()` lets them run whenever
 * `everyMs` have passed since it last did.
 */
export type Pause = () => Promise<void>;

export function pauses(everyMs = 20): Pause {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < everyMs) return;
    await new Promise((resume) => setImmediate(resume));
    last = performance.now();
  };
}
