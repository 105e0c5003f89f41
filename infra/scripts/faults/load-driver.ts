import { randomUUID } from 'node:crypto';
import { FORCE_CODES, HATE_CRIME_STRANDS, type HateCrimeFlag, type Offence } from '@hc/contracts';

/**
 * Continuous load on the police -> CPS path, sent the way an agency system must send it when the
 * other end can fail: every command carries an Idempotency-Key, and a command that failed with a
 * network error, a timeout or a 5xx is sent again, with the same key and the same body, until it
 * is accepted. So every command is accepted exactly once from the agency's point of view, and
 * each accepted command is recorded with the fault that was being injected when it was accepted.
 */
export type CommandName = 'RecordCrime' | 'IdentifySuspect' | 'ReferCaseToCps' | 'MakePreChargeDecision';

export const EVENT_OF_COMMAND: Readonly<Record<CommandName, { agency: 'police' | 'cps'; event: string }>> = {
  RecordCrime: { agency: 'police', event: 'CrimeRecorded' },
  IdentifySuspect: { agency: 'police', event: 'SuspectIdentified' },
  ReferCaseToCps: { agency: 'police', event: 'CaseReferredToCps' },
  MakePreChargeDecision: { agency: 'cps', event: 'PreChargeDecisionMade' },
};

export interface FailedAttempt {
  readonly at: number;
  readonly reason: string;
}

export interface AcceptedCommand {
  readonly command: CommandName;
  readonly key: string;
  readonly caseId: string;
  /** The stream version the command's event got (the command appends exactly one event). */
  readonly version: number;
  /** The fault being injected when the command was accepted. */
  readonly phase: string;
  readonly acceptedAt: number;
  readonly failedAttempts: readonly FailedAttempt[];
}

export interface RefusedCommand {
  readonly command: CommandName;
  readonly key: string;
  readonly status: number;
  readonly body: unknown;
}

export interface DrivenCase {
  readonly caseNumber: number;
  readonly caseId: string;
  readonly phase: string;
  readonly suspectIds: string[];
}

interface PendingDecision {
  readonly caseId: string;
  readonly defendantId: string;
  readonly offences: readonly Offence[];
  readonly key: string;
  notBefore: number;
}

class GaveUp extends Error {}

/** The answer of a command refused for a reason its caller will try again later. */
const NOT_YET = Symbol('not yet');

/** The CPS has not yet opened the case from the police topic: the decision is tried again later. */
const CPS_HAS_NO_CASE_YET = (status: number, answer: unknown) =>
  status === 404 && ['no_referral', 'case_not_found'].includes(String((answer as { code?: unknown } | undefined)?.code));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REQUEST_TIMEOUT_MS = 15000;

export interface LoadDriverOptions {
  readonly runId: string;
  readonly policeUrl: string;
  readonly cpsUrl: string;
  /** Concurrent case loops. */
  readonly workers: number;
  /** Pause between two commands of one loop, in ms (randomised +-50 %). */
  readonly pauseMs: number;
  /** The API keys the police and CPS systems present (`Authorization: Bearer ...`). */
  readonly apiKeys: { readonly police: string; readonly cps: string };
}

export class LoadDriver {
  /** The fault being injected now; commands accepted meanwhile are counted under it. */
  phase = 'none';
  readonly accepted: AcceptedCommand[] = [];
  readonly refused: RefusedCommand[] = [];
  readonly unresolved: Array<{ command: CommandName; key: string; attempts: number }> = [];
  readonly cases: DrivenCase[] = [];
  requests = 0;
  networkErrors = 0;
  serverErrors = 0;
  cpsNotYet = 0;

  private nextCase = 1;
  private stopping = false;
  private giveUpAt = Number.POSITIVE_INFINITY;
  private readonly tasks = new Set<Promise<void>>();
  private readonly decisions: PendingDecision[] = [];

  constructor(private readonly options: LoadDriverOptions) {}

  start(): void {
    for (let worker = 0; worker < this.options.workers; worker++) this.track(this.caseLoop());
    this.track(this.decisionLoop());
  }

  /** `count` cases at once, on top of the steady load: a burst of commits for a kill to land in. */
  burst(count: number): void {
    for (let i = 0; i < count; i++) this.track(this.driveCase(0).catch((error: unknown) => this.lost(error)));
  }

  /**
   * Stops starting commands; a command already sent is still retried until accepted, up to
   * `graceMs`, after which it is reported as unresolved.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.giveUpAt = Date.now() + graceMs;
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private lost(error: unknown): void {
    if (!(error instanceof GaveUp)) console.error(`load driver: ${(error as Error).stack ?? String(error)}`);
  }

  private async caseLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.driveCase(this.options.pauseMs);
      } catch (error) {
        this.lost(error);
      }
    }
  }

  private pause(ms: number): Promise<unknown> {
    return ms > 0 ? sleep(ms * (0.5 + Math.random())) : Promise.resolve();
  }

  /** One case through the police API: record, one or two suspects, and (mostly) a referral to the CPS. */
  private async driveCase(pauseMs: number): Promise<void> {
    const n = this.nextCase++;
    const { runId } = this.options;
    const forceCode = FORCE_CODES[n % FORCE_CODES.length]!;
    const offences: Offence[] = [{ offenceId: 'o1', code: '105A' }];
    const hateCrime: HateCrimeFlag | undefined =
      n % 7 === 0
        ? undefined
        : {
            strands: n % 9 === 0 ? ['race', 'religion'] : [HATE_CRIME_STRANDS[n % HATE_CRIME_STRANDS.length]!],
            perceivedBy: n % 3 === 0 ? ['victim', 'witness'] : ['victim'],
          };
    const recordedAt = new Date(Date.UTC(2024, n % 12, 1 + (n % 28), 9 + (n % 9))).toISOString();
    const recorded = await this.command('RecordCrime', `${runId}.${n}.record`, 'police', '/cases', {
      crimeReference: `FLT/${runId}/${n}`,
      forceCode,
      recordedAt,
      offences,
      ...(hateCrime ? { hateCrime } : {}),
    });
    if (!recorded) return;
    const caseId = String((recorded as { caseId: unknown }).caseId);
    const driven: DrivenCase = { caseNumber: n, caseId, phase: this.phase, suspectIds: [] };
    this.cases.push(driven);

    const suspects = n % 4 === 0 ? 2 : 1;
    for (let i = 0; i < suspects; i++) {
      if (this.stopping) return;
      await this.pause(pauseMs);
      const suspectId = randomUUID();
      const identified = await this.command('IdentifySuspect', `${runId}.${n}.suspect.${i}`, 'police', `/cases/${caseId}/suspects`, {
        suspectId,
        identifiedAt: new Date(Date.parse(recordedAt) + (i + 1) * 86400000).toISOString(),
      });
      if (!identified) return;
      driven.suspectIds.push(suspectId);
    }

    if (n % 5 === 0 || this.stopping) return; // some cases stay with the police
    await this.pause(pauseMs);
    const referred = await this.command('ReferCaseToCps', `${runId}.${n}.referral`, 'police', `/cases/${caseId}/referral`, {
      urn: `${forceCode}/FT/${n}/24`,
      victimNeedsPassedOn: n % 2 === 0,
      referredAt: new Date(Date.parse(recordedAt) + 7 * 86400000).toISOString(),
    });
    if (referred && n % 2 === 0) {
      this.decisions.push({ caseId, defendantId: driven.suspectIds[0]!, offences, key: `${runId}.${n}.decision`, notBefore: Date.now() + 500 });
    }
    await this.pause(pauseMs);
  }

  /** The CPS charges half of the referred cases once it holds them (it opens them from the police topic). */
  private async decisionLoop(): Promise<void> {
    while (!this.stopping) {
      const now = Date.now();
      const index = this.decisions.findIndex((pending) => pending.notBefore <= now);
      if (index < 0) {
        await sleep(200);
        continue;
      }
      const [pending] = this.decisions.splice(index, 1);
      try {
        const decided = await this.command(
          'MakePreChargeDecision',
          pending!.key,
          'cps',
          `/cases/${pending!.caseId}/defendants/${pending!.defendantId}/pre-charge-decision`,
          { decision: 'charge', charges: pending!.offences, decidedAt: '2024-12-20T10:00:00.000Z' },
          { notYet: CPS_HAS_NO_CASE_YET, caseId: pending!.caseId },
        );
        if (decided === NOT_YET) {
          this.cpsNotYet += 1;
          pending!.notBefore = Date.now() + 1000;
          this.decisions.push(pending!);
        }
      } catch (error) {
        this.lost(error);
      }
      await sleep(100);
    }
  }

  /**
   * Sends one command until it is accepted: answers its body (201), `undefined` when it was
   * refused with a 4xx (recorded as refused), or NOT_YET for the status the caller will try later.
   */
  private async command(
    name: CommandName,
    key: string,
    agency: 'police' | 'cps',
    path: string,
    body: unknown,
    { notYet, caseId }: { notYet?: (status: number, answer: unknown) => boolean; caseId?: string } = {},
  ): Promise<Record<string, unknown> | typeof NOT_YET | undefined> {
    const failedAttempts: FailedAttempt[] = [];
    for (let attempt = 1; ; attempt++) {
      if (Date.now() > this.giveUpAt) {
        this.unresolved.push({ command: name, key, attempts: attempt - 1 });
        throw new GaveUp(`${name} ${key} was not accepted before the driver gave up`);
      }
      let status: number;
      let answer: unknown;
      let retryAfter: string | null = null;
      this.requests += 1;
      try {
        const baseUrl = agency === 'police' ? this.options.policeUrl : this.options.cpsUrl;
        const response = await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization: `Bearer ${this.options.apiKeys[agency]}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        // A reply cut off half-way (the service killed as it answered) is a lost reply: send again.
        answer = await response.json().catch((error: unknown) => {
          if (status === 201 || status >= 500) throw error;
          return undefined;
        });
      } catch (error) {
        this.networkErrors += 1;
        failedAttempts.push({ at: Date.now(), reason: describeNetworkError(error) });
        await sleep(Math.min(200 * attempt, 1000));
        continue;
      }
      if (status === 429) {
        // Over the key's rate limit (set high for the fault run, but honoured all the same): nothing was done; send it again when told.
        failedAttempts.push({ at: Date.now(), reason: 'HTTP 429' });
        await sleep(1000 * Math.max(1, Number(retryAfter) || 1));
        continue;
      }
      if (status >= 500) {
        this.serverErrors += 1;
        failedAttempts.push({ at: Date.now(), reason: `HTTP ${status}` });
        await sleep(Math.min(200 * attempt, 1000));
        continue;
      }
      if (status === 201) {
        const accepted = answer as Record<string, unknown>;
        this.accepted.push({
          command: name,
          key,
          caseId: String(accepted.caseId ?? caseId),
          version: Number(accepted.version),
          phase: this.phase,
          acceptedAt: Date.now(),
          failedAttempts,
        });
        return accepted;
      }
      if (notYet?.(status, answer)) return NOT_YET;
      this.refused.push({ command: name, key, status, body: answer });
      return undefined;
    }
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timeout';
  return cause?.code ?? (error as Error).message;
}
