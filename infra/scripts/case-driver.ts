import type {
  ConvictionBasis,
  CourtType,
  HateCrimeFlag,
  Offence,
  PreChargeDecision,
  UpliftDecision,
} from '@hc/contracts';

/**
 * Drives cases through the agencies' public HTTP APIs the way their systems would: the police
 * record, identify and refer; the CPS decides on the case it received from Kafka; the court
 * convicts and sentences the defendant it received from Kafka. The flag is sent once, to the
 * police; nothing here re-keys it.
 */
export type Service = 'police' | 'cps' | 'courts' | 'projection';

export interface HttpClient {
  post(service: Service, path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(service: Service, path: string): Promise<{ status: number; body: any }>;
}

export interface DefendantScript {
  readonly decision?: PreChargeDecision;
  readonly conviction?: { readonly basis: ConvictionBasis; readonly courtType: CourtType };
  readonly sentence?: { readonly sentence: string; readonly courtType: CourtType; readonly uplift?: UpliftDecision };
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
    if (defendant.decision !== 'charge' || !defendant.conviction) continue;

    await waitFor(`the court to receive ${script.label}`, async () => {
      const court = await client.get('courts', `/cases/${caseId}`);
      return court.status === 200 && defendantId in court.body.state.defendants;
    });
    const convicted = await client.post('courts', `/cases/${caseId}/defendants/${defendantId}/conviction`, defendant.conviction);
    expectStatus(`conviction in ${script.label}`, convicted, 201);
    if (!defendant.sentence) continue;
    const sentenced = await client.post('courts', `/cases/${caseId}/defendants/${defendantId}/sentence`, defendant.sentence);
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
    if (defendant.conviction) events += 1;
    if (defendant.conviction && defendant.sentence) events += 1;
  }
  return events;
}
