/**
 * How many events the read model stores without counting them (past a gap in their agency's stream
 * versions, waiting for the missing one), and in how many cases, for /projection/status without
 * folding every case. Kept in memory, case by case: every batch this process writes sets the cases
 * it folded (the fold says how many events each holds back), and when the version is active the
 * process counts every stored case once, in the background (`complete` is false until then); a
 * case a batch sets meanwhile keeps the batch's count, which is the newer.
 *
 * A second projection process in the group writes batches this one does not see: each process's
 * count is exact for the cases it folded and as of its start for the others. A count that every
 * process reads from the database would need a per-case column in `case_events` (a migration).
 */
export class HeldEvents {
  private readonly byCase = new Map<string, number>();
  private events = 0;
  /** While counting every stored case: the cases batches have set since the count began. */
  private setByBatches?: Set<string>;
  private complete = false;

  /** The count of a case as a batch of this process just folded it. */
  set(caseId: string, held: number): void {
    this.setByBatches?.add(caseId);
    this.put(caseId, held);
  }

  /** Counting every stored case begins; `counted` then gives each case as the count read it. */
  begin(): void {
    this.setByBatches = new Set();
    this.complete = false;
  }

  counted(caseId: string, held: number): void {
    if (this.setByBatches?.has(caseId)) return;
    this.put(caseId, held);
  }

  end(): void {
    this.setByBatches = undefined;
    this.complete = true;
  }

  status(): { readonly events: number; readonly cases: number; readonly complete: boolean } {
    return { events: this.events, cases: this.byCase.size, complete: this.complete };
  }

  private put(caseId: string, held: number): void {
    this.events += held - (this.byCase.get(caseId) ?? 0);
    if (held > 0) this.byCase.set(caseId, held);
    else this.byCase.delete(caseId);
  }
}
