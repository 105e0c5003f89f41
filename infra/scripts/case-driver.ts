import type {
  ConvictionBasis,
  CourtType,
  HateCrimeFlag,
  Offence,
  PreChargeDecision,
  SentenceType,
  UpliftDecision,
} from '@hc/contracts';

/**
 * Drives cases through the agencies' public HTTP APIs the way their systems would: the police
 * record, identify and refer; the CPS decides on the case it received from Kafka; the court lists
 * the defendant it received from Kafka at a magistrates' court, sends them to the Crown Court when
 * the script's verdict is there, convicts, and sentences each charged offence; the CPS completes
 * the prosecution from the conviction. The flag is sent once, to the police; nothing re-keys it.
 */
export type Service = 'police' | 'cps' | 'courts' | 'projection';

export interface HttpClient {
  post(service: Service, path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(service: Service, path: string): Promise<{ status: number; body: any }>;
}

export interface DefendantScript {
  readonly decision?: PreChargeDecision;
  /**
   * First hearing at a magistrates' court. A defendant with a conviction is always listed first
   * (at B01LY00, six weeks after recording, unless given here); one without only when this is given.
   */
  readonly listing?: { readonly courtCode: string; readonly hearingDate: string };
  /** A Crown Court conviction or sentence sends the defendant to the Crown Court after the listing. */
  readonly conviction?: { readonly basis: ConvictionBasis; readonly courtType: CourtType };
  /** The same sentence and uplift decision for every charged offence (the script's offences). */
  readonly sentence?: { readonly sentenceType: SentenceType; readonly courtType: CourtType; readonly uplift?: UpliftDecision };
}

export interface CaseScript {
  readonly label: string;
  readonly crimeReference: string;
  readonly forceCode: string;
  readonly recordedAt: string;
  readonly offences: readonly Offence[];
  readonly hateCrime?: HateCrimeFlag;
  readonly defendants: readonly DefendantScript[];
  /** Refer to the CPS under this URN (only when there is at least one defendant). */
  readonly urn?: string;
  readonly victimNeedsPassedOn?: boolean;
}

export interface DrivenCase {
  readonly label: string;
  readonly caseId: string;
  readonly defendantIds: readonly string[];
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function expectStatus(what: string, response: { status: number; body: unknown }, status: number): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
}

export async function driveCase(client: HttpClient, script: CaseScript): Promise<DrivenCase> {
  const recorded = await client.post('police', '/cases', {
    crimeReference: script.crimeReference,
    forceCode: script.forceCode,
    recordedAt: script.recordedAt,
    offences: script.offences,
    ...(script.hateCrime ? { hateCrime: script.hateCrime } : {}),
  });
  expectStatus(`record ${script.label}`, recorded, 201);
  const caseId: string = recorded.body.caseId;

  const defendantIds: string[] = [];
  for (let i = 0; i < script.defendants.length; i++) {
    const identified = await client.post('police', `/cases/${caseId}/suspects`, {});
    expectStatus(`identify suspect ${i + 1} of ${script.label}`, identified, 201);
    defendantIds.push(identified.body.suspectId);
  }
  if (!script.urn || defendantIds.length === 0) return { label: script.label, caseId, defendantIds };

  const referred = await client.post('police', `/cases/${caseId}/referral`, {
    urn: script.urn,
    victimNeedsPassedOn: script.victimNeedsPassedOn ?? true,
  });
  expectStatus(`refer ${script.label}`, referred, 201);
  await waitFor(`the CPS to receive ${script.label}`, async () => (await client.get('cps', `/cases/${caseId}`)).status === 200);

  for (const [i, defendant] of script.defendants.entries()) {
    const defendantId = defendantIds[i]!;
    if (!defendant.decision) continue;
    const charges = defendant.decision === 'charge' ? script.offences : [];
    const decided = await client.post('cps', `/cases/${caseId}/defendants/${defendantId}/pre-charge-decision`, {
      decision: defendant.decision,
      charges,
    });
    expectStatus(`pre-charge decision for ${script.label}`, decided, 201);
    if (defendant.decision !== 'charge' || !goesToCourt(defendant)) continue;

    await waitFor(`the court to receive ${script.label}`, async () => {
      const court = await client.get('courts', `/cases/${caseId}`);
      return court.status === 200 && defendantId in court.body.state.defendants;
    });
    const atCourt = `/cases/${caseId}/defendants/${defendantId}`;
    const listed = await client.post('courts', `${atCourt}/listing`, defendant.listing ?? defaultListing(script));
    expectStatus(`listing in ${script.label}`, listed, 201);
    if (sentToCrownCourt(defendant)) {
      const sent = await client.post('courts', `${atCourt}/crown-court`, { crownCourtCode: CROWN_COURT });
      expectStatus(`sending to the Crown Court in ${script.label}`, sent, 201);
    }
    if (!defendant.conviction) continue;
    const convicted = await client.post('courts', `${atCourt}/conviction`, defendant.conviction);
    expectStatus(`conviction in ${script.label}`, convicted, 201);
    // The CPS completes the prosecution from the court's conviction; waiting for it keeps every
    // case's timeline in one order (conviction, prosecution completed, sentence).
    await waitFor(`the CPS to complete the prosecution in ${script.label}`, async () => {
      const cps = await client.get('cps', `/cases/${caseId}`);
      return cps.status === 200 && cps.body.events.some(
        (event: { type: string; data: { defendantId?: string } }) => event.type.endsWith('.ProsecutionCompleted') && event.data.defendantId === defendantId,
      );
    });
    if (!defendant.sentence) continue;
    const { sentenceType, courtType, uplift } = defendant.sentence;
    const sentenced = await client.post('courts', `${atCourt}/sentence`, {
      courtType,
      offences: script.offences.map((offence) => ({ offenceId: offence.offenceId, sentenceType, ...(uplift ? { uplift } : {}) })),
    });
    expectStatus(`sentence in ${script.label}`, sentenced, 201);
  }
  return { label: script.label, caseId, defendantIds };
}

/** How many events driving this script appends across the three agencies' stores. */
export function expectedEventCount(script: CaseScript): number {
  let events = 1 + script.defendants.length;
  if (!script.urn || script.defendants.length === 0) return events;
  events += 2; // CaseReferredToCps, CaseReceivedFromPolice
  for (const defendant of script.defendants) {
    if (!defendant.decision) continue;
    events += 1;
    if (defendant.decision !== 'charge') continue;
    events += 1; // CaseReceivedFromCps
    if (!goesToCourt(defendant)) continue;
    events += 1; // CaseListed
    if (sentToCrownCourt(defendant)) events += 1;
    if (!defendant.conviction) continue;
    events += 2; // DefendantConvicted, and the CPS's ProsecutionCompleted
    if (defendant.sentence) events += 1;
  }
  return events;
}

const CROWN_COURT = 'T20257001';

/** A first hearing six weeks after the crime was recorded, at a London magistrates' court. */
function defaultListing(script: CaseScript): { courtCode: string; hearingDate: string } {
  const hearing = new Date(Date.parse(script.recordedAt) + 42 * 24 * 3600 * 1000);
  return { courtCode: 'B01LY00', hearingDate: hearing.toISOString().slice(0, 10) };
}

function goesToCourt(defendant: DefendantScript): boolean {
  return defendant.listing !== undefined || defendant.conviction !== undefined;
}

function sentToCrownCourt(defendant: DefendantScript): boolean {
  return defendant.conviction?.courtType === 'crown' || defendant.sentence?.courtType === 'crown';
}
