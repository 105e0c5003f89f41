import { chunkBySize, MAX_REQUEST_BYTES, type OutgoingMessage } from './event-producer';

const message = (n: number, bytes: number): OutgoingMessage => ({ topic: 't', key: `k${n}`, value: 'x'.repeat(bytes) });

describe('chunkBySize', () => {
  it('keeps a small send in one request', () => {
    const messages = Array.from({ length: 10 }, (_, n) => message(n, 1000));
    expect(chunkBySize(messages)).toEqual([messages]);
  });

  it('splits a backlog over the limit into requests under it, keeping every message once and in order', () => {
    const messages = Array.from({ length: 2000 }, (_, n) => message(n, 1500));
    const chunks = chunkBySize(messages);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      const bytes = chunk.reduce((sum, item) => sum + Buffer.byteLength(item.key) + Buffer.byteLength(item.value as string) + 64, 0);
      expect(bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
    expect(chunks.flat()).toEqual(messages);
  });

  it('counts bytes, not characters, and headers too', () => {
    const wide = { topic: 't', key: 'k', value: 'é'.repeat(300), headers: { trace: 'y'.repeat(400) } };
    // 600 bytes of value + 400 of header + key and overhead: two fit under 2,200 bytes, three do not.
    expect(chunkBySize([wide, wide, wide], 2200).map((chunk) => chunk.length)).toEqual([2, 1]);
  });

  it('sends a message larger than the limit on its own', () => {
    const big = message(1, 5000);
    const small = message(2, 10);
    expect(chunkBySize([small, big, small], 1000)).toEqual([[small], [big], [small]]);
  });
});
