import { randomUUID } from 'node:crypto';
import type { FlagAppliedReason, NotHateCrimeReason, UpliftNotAppliedReason } from '@hc/contracts';
import { pollUntil, type Pipeline } from './pipeline';

/**
 * One case driven through the agencies' public HTTP APIs, step by step, as their systems would
 * send it: every answer is kept under the step's name (for the test to check its events and
 * warnings), and the steps that wait on Kafka (the CPS opening its case from the referral, the
 * court opening the defendant's case from the charge, the CPS completing the prosecution from the
 * conviction) poll the downstream agency until it has. Nothing is written to Kafka by hand.
 */
export type Agency = 'police' | 'cps' | 'courts';

export interface FlagBody {
  readonly strands: readonly string[];
  readonly perceivedBy: readonly string[];
  readonly religionTargetedGroup?: string;
}

/** The body of PUT .../flag-record at any agency. */
export type FlagRecordBody =
  | { readonly holds: 'flagged'; readonly hateCrime: FlagBody }
  | { readonly holds: 'no_flag' }
  | { readonly holds: 'not_hate_crime'; readonly reason?: NotHateCrimeReason };

export interface UpliftBody {
  readonly applied: boolean;
  readonly provision: 'SA2020_s66';
  readonly statedInOpenCourt: boolean;
  readonly strandsRecognised: readonly string[];
  readonly reasonNotApplied?: UpliftNotAppliedReason;
}

export interface Answer {
  readonly step: string;
  readonly agency: Agency;
  /** The events the command should record, by type. */
  readonly expectedEvents: readonly string[];
  readonly status: number;
  readonly body: any;
}

/** A published event as an agency's GET /cases/{caseId} lists it. */
export interface AgencyEvent {
  readonly id: string;
  readonly type: string;
  readonly streamversion: number;
  readonly data: { readonly defendantId?: string } & Record<string, unknown>;
}

export const OFFENCE = { offenceId: 'o1', code: '105A' } as const;
const WAIT = { timeoutMs: 60_000, intervalMs: 100 };

export class AgencyCase {
  readonly answers: Answer[] = [];
  caseId = '';
  defendantId = '';
  victimId = '';

  constructor(
    private readonly pipeline: Pipeline,
    readonly forceCode: string,
    private readonly recordedAt: string,
  ) {}

  get urn(): string {
    return `${this.forceCode}/FA/${Number(this.forceCode) * 101}/23`;
  }

  // ---- police ---------------------------------------------------------------------------------
  async record(hateCrime?: FlagBody): Promise<void> {
    const body = await this.send('record', ['CrimeRecorded'], 'police', 'post', '/cases', {
      crimeReference: `FA/${this.forceCode}/${Number(this.forceCode) * 101}/23`,
      forceCode: this.forceCode,
      recordedAt: this.recordedAt,
      offences: [OFFENCE],
      ...(hateCrime ? { hateCrime } : {}),
    });
    this.caseId = body.caseId;
  }

  async identifySuspect(): Promise<void> {
    this.defendantId = (await this.send('suspect', ['SuspectIdentified'], 'police', 'post', `/cases/${this.caseId}/suspects`, {})).suspectId;
  }

  async assessVictim(): Promise<void> {
    this.victimId = randomUUID();
    await this.send('victim needs', ['VictimNeedsAssessed'], 'police', 'post', `/cases/${this.caseId}/victim-needs`, {
      victimId: this.victimId, riskLevel: 'high', needs: ['safeguarding'], enhancedService: true, specialMeasuresWanted: [],
    });
  }

  /** DELETE /cases/{caseId}/flag without a reason: recorded as the force's record dropping the flag. */
  async dropPoliceFlag(): Promise<void> {
    await this.send('police flag removal', ['HateCrimeFlagRecorded'], 'police', 'delete', `/cases/${this.caseId}/flag`, {});
  }

  /** PUT /cases/{caseId}/flag-record: the flag as the force's own system holds it. */
  async policeRecordFlag(record: FlagRecordBody): Promise<void> {
    await this.send('police flag record', ['HateCrimeFlagRecorded'], 'police', 'put', `/cases/${this.caseId}/flag-record`, record);
  }

  /** Refers the case and waits for the CPS to open its case from the referral. */
  async refer(victimNeedsPassedOn = true): Promise<void> {
    await this.send('referral', ['CaseReferredToCps'], 'police', 'post', `/cases/${this.caseId}/referral`, { urn: this.urn, victimNeedsPassedOn });
    await pollUntil(`the CPS to open case ${this.caseId}`, async () => ((await this.pipeline.cps.get(`/cases/${this.caseId}`)).status === 200 ? true : undefined), WAIT);
  }

  // ---- CPS ------------------------------------------------------------------------------------
  async cpsRecordFlag(record: FlagRecordBody): Promise<void> {
    await this.send('cps flag record', ['HateCrimeFlagRecorded'], 'cps', 'put', `/cases/${this.caseId}/flag-record`, record);
  }

  async cpsConfirmFlag(hateCrime?: FlagBody): Promise<void> {
    await this.send('cps flag confirmation', ['HateCrimeFlagConfirmed'], 'cps', 'post', `/cases/${this.caseId}/flag/confirmation`, hateCrime ? { hateCrime } : {});
  }

  async cpsApplyFlag(hateCrime: FlagBody, reason: FlagAppliedReason): Promise<void> {
    await this.send('cps flag application', ['HateCrimeFlagApplied'], 'cps', 'post', `/cases/${this.caseId}/flag`, { hateCrime, reason });
  }

  /** DELETE /cases/{caseId}/flag at the CPS with a reason, documented as 200 (the police answer 201). */
  async cpsRemoveFlag(reason: NotHateCrimeReason): Promise<void> {
    await this.send('cps flag removal', ['HateCrimeFlagRemoved'], 'cps', 'delete', `/cases/${this.caseId}/flag`, { reason }, 200);
  }

  /** DELETE /cases/{caseId}/flag at the CPS without a reason: recorded as the CPS record holding no flag. */
  async cpsDropFlag(): Promise<void> {
    await this.send('cps flag removal', ['HateCrimeFlagRecorded'], 'cps', 'delete', `/cases/${this.caseId}/flag`, {}, 200);
  }

  /** A pre-charge decision; a charge waits for the court to open the defendant's case from it. */
  async decide(decision: 'charge' | 'no_further_action_evidential' | 'no_further_action_public_interest'): Promise<void> {
    await this.send('pre-charge decision', ['PreChargeDecisionMade'], 'cps', 'post', `/cases/${this.caseId}/defendants/${this.defendantId}/pre-charge-decision`, {
      decision, charges: decision === 'charge' ? [OFFENCE] : [],
    });
    if (decision !== 'charge') return;
    await pollUntil(`the court to open case ${this.caseId}`, async () => {
      const court = await this.pipeline.courts.get(`/cases/${this.caseId}`);
      return court.status === 200 && this.defendantId in court.body.state.defendants ? true : undefined;
    }, WAIT);
  }

  // ---- courts ---------------------------------------------------------------------------------
  private get atCourt(): string {
    return `/cases/${this.caseId}/defendants/${this.defendantId}`;
  }

  async courtRecordFlag(record: FlagRecordBody): Promise<void> {
    await this.send('court flag record', ['HateCrimeFlagRecorded'], 'courts', 'put', `${this.atCourt}/flag-record`, record);
  }

  async list(): Promise<void> {
    await this.send('listing', ['CaseListed'], 'courts', 'post', `${this.atCourt}/listing`, { courtCode: 'B01LY00', hearingDate: '2023-08-01' });
  }

  /** A guilty plea conviction at the magistrates' court; waits for the CPS to complete the prosecution from it. */
  async convict(): Promise<void> {
    await this.send('conviction', ['DefendantConvicted'], 'courts', 'post', `${this.atCourt}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' });
    await pollUntil(`the CPS to complete the prosecution of case ${this.caseId}`, async () => {
      const events = await this.events('cps');
      return events.some((event) => event.type.endsWith('.ProsecutionCompleted') && event.data.defendantId === this.defendantId) ? true : undefined;
    }, WAIT);
  }

  async sentence(uplift?: UpliftBody): Promise<void> {
    await this.send('sentence', ['DefendantSentenced'], 'courts', 'post', `${this.atCourt}/sentence`, {
      courtType: 'magistrates',
      offences: [{ offenceId: OFFENCE.offenceId, sentenceType: 'community_order', ...(uplift ? { uplift } : {}) }],
    });
  }

  async informVictim(upliftExplained: boolean, step = 'victim informed'): Promise<Answer> {
    await this.send(step, ['VictimInformedOfOutcome'], 'courts', 'post', `${this.atCourt}/victim-informed`, { victimId: this.victimId, upliftExplained });
    return this.answers[this.answers.length - 1]!;
  }

  // ---- reading back ---------------------------------------------------------------------------
  /** The events of the case in one agency's store, as its GET /cases/{caseId} lists them (none: []). */
  async events(agency: Agency): Promise<AgencyEvent[]> {
    const response = await this.pipeline[agency].get(`/cases/${this.caseId}`);
    if (response.status === 404) return [];
    if (response.status !== 200) throw new Error(`GET ${agency} /cases/${this.caseId}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.events;
  }

  /** How many events the three agencies hold of the case. */
  async eventCount(): Promise<number> {
    if (!this.caseId) return 0;
    const counts = await Promise.all((['police', 'cps', 'courts'] as const).map(async (agency) => (await this.events(agency)).length));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** The event a step recorded: in its agency's stream, at the version the step answered. */
  async eventOf(step: string): Promise<AgencyEvent> {
    const answer = this.answers.find((candidate) => candidate.step === step);
    if (!answer) throw new Error(`case ${this.caseId} has no step ${step}`);
    const event = (await this.events(answer.agency)).find((candidate) => candidate.streamversion === answer.body.version);
    if (!event) throw new Error(`case ${this.caseId}: no ${answer.agency} event at version ${answer.body.version} (step ${step})`);
    return event;
  }

  private async send(
    step: string,
    expectedEvents: readonly string[],
    agency: Agency,
    method: 'post' | 'put' | 'delete',
    path: string,
    body: object,
    status = 201,
  ): Promise<any> {
    const response = await this.pipeline[agency][method](path).send(body);
    this.answers.push({ step, agency, expectedEvents, status: response.status, body: response.body });
    if (response.status !== status) {
      throw new Error(`${step} (${agency} ${method.toUpperCase()} ${path}, force ${this.forceCode}): expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }
}
