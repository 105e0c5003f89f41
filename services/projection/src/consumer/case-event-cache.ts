import type { EventEnvelope } from '@hc/contracts';

/**
 * The events of recently touched cases, as committed, so that rebuilding a case does not read its
 * events back from PostgreSQL. Only an optimisation: an entry is trusted only while its event count
 * equals the count in `case_events` (checked in the batch's transaction), so a case another writer
 * changed is read again. Entries are added after the commit that stored their events.
 */
export class CaseEventCache {
  private readonly cases = new Map<string, readonly EventEnvelope[]>();
  private events = 0;

  /** @param capacity the most events kept; the least recently touched cases are dropped first. */
  constructor(private readonly capacity = 1_000_000) {}

  get(caseId: string): readonly EventEnvelope[] | undefined {
    return this.cases.get(caseId);
  }

  set(caseId: string, events: readonly EventEnvelope[]): void {
    const previous = this.cases.get(caseId);
    if (previous) {
      this.events -= previous.length;
      this.cases.delete(caseId);
    }
    if (this.capacity <= 0) return;
    this.cases.set(caseId, events);
    this.events += events.length;
    for (const [oldest, list] of this.cases) {
      if (this.events <= this.capacity) break;
      this.cases.delete(oldest);
      this.events -= list.length;
    }
  }

  clear(): void {
    this.cases.clear();
    this.events = 0;
  }

  get size(): number {
    return this.cases.size;
  }
}
