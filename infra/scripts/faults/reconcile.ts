import type { Pool } from 'pg';
import type { Agency, TopicNames } from '@hc/contracts';
import { createKafka, readTopic, type KafkaConnection } from '@hc/kafka';
import { EVENT_OF_COMMAND, type AcceptedCommand, type DrivenCase } from './load-driver';
import { projectionView } from './projection-view';

/**
 * Where the pipeline stands, and the exact reconciliation once it has settled: every accepted
 * command's event is in its agency's store, every stored event is on Kafka (copies beyond the
 * first are redeliveries, allowed at least once), every event is in the projection exactly once,
 * and every referral opened exactly one CPS case (every charge exactly one court case).
 */
const AGENCIES: readonly Agency[] = ['police', 'cps', 'courts'];

interface StoreRow {
  readonly eventId: string;
  readonly agency: Agency;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly causation: string | null;
  readonly recordedAt: number;
  readonly publishedAt: number | null;
}

export interface PipelineState {
  readonly unpublished: Readonly<Record<Agency, number>>;
  /** Messages on the agency topics the projection has not yet consumed. */
  readonly projectionBehind: number;
  /** Referrals the CPS has not opened a case from; charges the court has not opened a case from. */
  readonly referralsNotReceived: number;
  readonly chargesNotReceived: number;
}

export function settled(state: PipelineState): boolean {
  return (
    AGENCIES.every((agency) => state.unpublished[agency] === 0) &&
    state.projectionBehind === 0 &&
    state.referralsNotReceived === 0 &&
    state.chargesNotReceived === 0
  );
}

export function describeState(state: PipelineState): string {
  return (
    `unpublished police/cps/courts ${state.unpublished.police}/${state.unpublished.cps}/${state.unpublished.courts}, ` +
    `projection behind by ${state.projectionBehind} messages, referrals not yet received by the CPS ${state.referralsNotReceived}, ` +
    `charges not yet received by the courts ${state.chargesNotReceived}`
  );
}

export async function topicEnds(connection: KafkaConnection, topics: readonly string[]): Promise<Map<string, bigint>> {
  const admin = createKafka(connection).admin();
  await admin.connect();
  try {
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const partition of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${partition.partition}`, BigInt(partition.high));
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

export async function pipelineState(db: Pool, connection: KafkaConnection, topics: TopicNames): Promise<PipelineState> {
  const unpublished = {} as Record<Agency, number>;
  for (const agency of AGENCIES) {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${agency}".events WHERE published_at IS NULL`);
    unpublished[agency] = rows[0].n;
  }
  const ends = await topicEnds(connection, [topics.police, topics.cps, topics.courts]);
  const { rows: offsets } = await db.query((await projectionView(db)).offsetsSql);
  const consumed = new Map(offsets.map((row: { topic: string; partition: number; next_offset: string }) => [`${row.topic}/${row.partition}`, BigInt(row.next_offset)]));
  let projectionBehind = 0n;
  for (const [partition, end] of ends) projectionBehind += end - (consumed.get(partition) ?? 0n);
  const { rows: referrals } = await db.query(
    `SELECT count(*)::int AS n FROM police.events p WHERE p.type LIKE '%.CaseReferredToCps'
       AND NOT EXISTS (SELECT 1 FROM cps.events c WHERE c.envelope->>'causationid' = p.event_id::text)`,
  );
  const { rows: charges } = await db.query(
    `SELECT count(*)::int AS n FROM cps.events d WHERE d.type LIKE '%.PreChargeDecisionMade' AND d.envelope->'data'->>'decision' = 'charge'
       AND NOT EXISTS (SELECT 1 FROM courts.events c WHERE c.envelope->>'causationid' = d.event_id::text)`,
  );
  return { unpublished, projectionBehind: Number(projectionBehind), referralsNotReceived: referrals[0].n, chargesNotReceived: charges[0].n };
}

export interface PhaseFigures {
  sent: number;
  reconciled: number;
  lost: number;
  duplicated: number;
  redelivered: number;
}

export interface Problem {
  readonly phase: string;
  readonly what: string;
}

export interface Reconciliation {
  readonly byPhase: Map<string, PhaseFigures>;
  readonly problems: Problem[];
  readonly storedEvents: Readonly<Record<Agency, number>>;
  readonly kafkaMessages: Readonly<Record<Agency, number>>;
  readonly redeliveredByTopic: Readonly<Record<Agency, number>>;
  readonly projectedEvents: number;
  /** The projection's schema reconciled, and the consumer whose offsets were compared. */
  readonly projectionSchema: string;
  readonly deadLetters: number;
  readonly casesInProjection: number;
  readonly casesDriven: number;
  /** Accepted referrals and the CPS cases opened from the police topic; accepted charges and the court cases opened. */
  readonly referrals: number;
  readonly cpsCasesOpened: number;
  readonly charges: number;
  readonly courtCasesOpened: number;
  /** Commands whose reply was lost after their transaction had committed; the retry got the stored answer. */
  readonly answeredByIdempotencyKey: number;
  readonly rows: ReadonlyMap<string, StoreRow>;
}

export interface PoliceKill {
  readonly at: number;
  /** Police events seen committed but not yet published a moment before the SIGKILL. */
  readonly unpublishedAtKill: readonly string[];
}

async function storeRows(db: Pool): Promise<StoreRow[]> {
  const rows: StoreRow[] = [];
  for (const agency of AGENCIES) {
    const result = await db.query(
      `SELECT event_id::text AS event_id, stream_id, version, type, envelope->>'causationid' AS causation,
              (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at,
              (extract(epoch FROM published_at) * 1000)::float8 AS published_at
         FROM "${agency}".events`,
    );
    for (const row of result.rows) {
      rows.push({
        eventId: row.event_id,
        agency,
        streamId: row.stream_id,
        version: row.version,
        type: row.type,
        causation: row.causation,
        recordedAt: row.recorded_at,
        publishedAt: row.published_at,
      });
    }
  }
  return rows;
}

/** Event id -> copies on the topic; messages that are not envelopes of this agency are phantoms. */
async function topicCopies(connection: KafkaConnection, topic: string): Promise<{ copies: Map<string, number>; messages: number; unreadable: number }> {
  const messages = await readTopic(connection, topic, { timeoutMs: 90000, groupPrefix: 'hatecrime-faults-reconcile' });
  const copies = new Map<string, number>();
  let unreadable = 0;
  for (const message of messages) {
    try {
      const id = (JSON.parse(message.value ?? 'null') as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') throw new Error('no id');
      copies.set(id, (copies.get(id) ?? 0) + 1);
    } catch {
      unreadable += 1;
    }
  }
  return { copies, messages: messages.length, unreadable };
}

export async function reconcile(
  db: Pool,
  connection: KafkaConnection,
  topics: TopicNames,
  phases: readonly string[],
  accepted: readonly AcceptedCommand[],
  cases: readonly DrivenCase[],
): Promise<Reconciliation> {
  const problems: Problem[] = [];
  const byPhase = new Map<string, PhaseFigures>(phases.map((phase) => [phase, { sent: 0, reconciled: 0, lost: 0, duplicated: 0, redelivered: 0 }]));
  const figures = (phase: string) => {
    if (!byPhase.has(phase)) byPhase.set(phase, { sent: 0, reconciled: 0, lost: 0, duplicated: 0, redelivered: 0 });
    return byPhase.get(phase)!;
  };

  const all = await storeRows(db);
  const rows = new Map(all.map((row) => [row.eventId, row]));
  const byStreamVersion = new Map(all.map((row) => [`${row.agency}/${row.streamId}/${row.version}`, row]));
  const byCause = new Map<string, StoreRow[]>();
  for (const row of all) {
    if (!row.causation) continue;
    byCause.set(row.causation, [...(byCause.get(row.causation) ?? []), row]);
  }

  const onKafka = {} as Record<Agency, Map<string, number>>;
  const kafkaMessages = {} as Record<Agency, number>;
  const redeliveredByTopic = {} as Record<Agency, number>;
  for (const agency of AGENCIES) {
    const read = await topicCopies(connection, topics[agency]);
    onKafka[agency] = read.copies;
    kafkaMessages[agency] = read.messages;
    redeliveredByTopic[agency] = [...read.copies.values()].reduce((sum, n) => sum + n - 1, 0);
    if (read.unreadable > 0) problems.push({ phase: '-', what: `${read.unreadable} messages on ${topics[agency]} are not event envelopes` });
    for (const id of read.copies.keys()) {
      if (rows.get(id)?.agency !== agency) problems.push({ phase: '-', what: `event ${id} is on ${topics[agency]} but in no ${agency} store` });
    }
  }

  const view = await projectionView(db);
  const { rows: projected } = await db.query(view.eventsSql);
  const projectedCount = new Map<string, number>();
  for (const row of projected as Array<{ event_id: string; agency: string }>) {
    projectedCount.set(row.event_id, (projectedCount.get(row.event_id) ?? 0) + 1);
    const stored = rows.get(row.event_id);
    if (!stored) problems.push({ phase: '-', what: `event ${row.event_id} is in the projection (${view.schema}) but in no agency store` });
    else if (stored.agency !== row.agency) problems.push({ phase: '-', what: `event ${row.event_id} is projected as ${row.agency} but stored by ${stored.agency}` });
  }

  /** One expected event, found (or not) along the whole chain. */
  const check = (phase: string, what: string, candidates: readonly StoreRow[]): StoreRow | undefined => {
    const phaseFigures = figures(phase);
    phaseFigures.sent += 1;
    if (candidates.length === 0) {
      phaseFigures.lost += 1;
      problems.push({ phase, what: `${what}: not in the store` });
      return undefined;
    }
    const event = candidates[0]!;
    const copies = onKafka[event.agency].get(event.eventId) ?? 0;
    const counted = projectedCount.get(event.eventId) ?? 0;
    phaseFigures.redelivered += Math.max(0, copies - 1);
    if (candidates.length > 1 || counted > 1) {
      phaseFigures.duplicated += 1;
      problems.push({ phase, what: `${what}: ${candidates.length} events in the ${event.agency} store, counted ${counted} times in the projection` });
    } else if (copies === 0 || counted === 0) {
      phaseFigures.lost += 1;
      problems.push({ phase, what: `${what} (event ${event.eventId}): ${copies === 0 ? 'not on Kafka' : 'on Kafka'}, ${counted === 0 ? 'not in the projection' : 'in the projection'}` });
    } else {
      phaseFigures.reconciled += 1;
    }
    return event;
  };

  const typeIs = (row: StoreRow | undefined, name: string) => (row && row.type.endsWith(`.${name}`) ? [row] : []);
  const explained = new Set<string>();
  let answeredByIdempotencyKey = 0;
  for (const command of accepted) {
    const { agency, event } = EVENT_OF_COMMAND[command.command];
    const what = `${command.command} ${command.key} (case ${command.caseId} v${command.version})`;
    const stored = check(command.phase, what, typeIs(byStreamVersion.get(`${agency}/${command.caseId}/${command.version}`), event));
    if (!stored) continue;
    explained.add(stored.eventId);
    const firstFailure = command.failedAttempts[0];
    if (firstFailure && stored.recordedAt < firstFailure.at) answeredByIdempotencyKey += 1;

    // What the agency downstream must do once with this event: exactly one case opened from it.
    const reaction =
      command.command === 'ReferCaseToCps'
        ? { agency: 'cps' as const, event: 'CaseReceivedFromPolice', label: 'the CPS case opened from referral' }
        : command.command === 'MakePreChargeDecision'
          ? { agency: 'courts' as const, event: 'CaseReceivedFromCps', label: 'the court case opened from charge' }
          : undefined;
    if (!reaction) continue;
    const reactions = (byCause.get(stored.eventId) ?? []).filter((row) => row.agency === reaction.agency && row.type.endsWith(`.${reaction.event}`));
    for (const row of reactions) explained.add(row.eventId);
    check(command.phase, `${reaction.label} ${stored.eventId} (case ${command.caseId})`, reactions);
  }

  // An event in a police or CPS stream that no accepted command or referral accounts for is a
  // command that took effect twice (e.g. a retry that the idempotency key did not catch).
  const phaseOfCase = new Map(cases.map((driven) => [driven.caseId, driven.phase]));
  for (const row of all) {
    if (row.agency === 'courts' || explained.has(row.eventId)) continue;
    const phase = phaseOfCase.get(row.streamId) ?? '-';
    figures(phase).duplicated += 1;
    problems.push({ phase, what: `${row.agency} event ${row.type} v${row.version} of case ${row.streamId} was not caused by any accepted command` });
  }

  for (const row of all) {
    if (!onKafka[row.agency].has(row.eventId)) problems.push({ phase: '-', what: `${row.agency} event ${row.eventId} is stored but not on Kafka` });
    if (!projectedCount.has(row.eventId)) problems.push({ phase: '-', what: `${row.agency} event ${row.eventId} is stored but not in the projection` });
  }

  const { rows: projectedCases } = await db.query(view.casesSql);
  const inProjection = new Set((projectedCases as Array<{ case_id: string }>).map((row) => row.case_id));
  for (const driven of cases) {
    if (!inProjection.has(driven.caseId)) problems.push({ phase: driven.phase, what: `case ${driven.caseId} has no case row in the projection (${view.schema})` });
  }
  if (view.inconsistentSql) {
    const { rows: inconsistent } = await db.query(view.inconsistentSql);
    if (inconsistent[0].n > 0) problems.push({ phase: '-', what: `${inconsistent[0].n} cases in ${view.schema} store an event count that disagrees with their events` });
  }

  const deadLetters = (await readTopic(connection, topics.deadLetter, { timeoutMs: 60000, groupPrefix: 'hatecrime-faults-reconcile' })).length;
  if (deadLetters > 0) problems.push({ phase: '-', what: `${deadLetters} messages were dead-lettered during the run` });

  const referrals = accepted.filter((command) => command.command === 'ReferCaseToCps').length;
  const charges = accepted.filter((command) => command.command === 'MakePreChargeDecision').length;
  const cpsCasesOpened = all.filter((row) => row.agency === 'cps' && row.type.endsWith('.CaseReceivedFromPolice')).length;
  const courtCasesOpened = all.filter((row) => row.agency === 'courts' && row.type.endsWith('.CaseReceivedFromCps')).length;
  if (cpsCasesOpened !== referrals) problems.push({ phase: '-', what: `the CPS opened ${cpsCasesOpened} cases from ${referrals} referrals` });
  if (courtCasesOpened !== charges) problems.push({ phase: '-', what: `the courts opened ${courtCasesOpened} cases from ${charges} charges` });

  const storedEvents = {} as Record<Agency, number>;
  for (const agency of AGENCIES) storedEvents[agency] = all.filter((row) => row.agency === agency).length;
  return {
    byPhase,
    problems,
    storedEvents,
    kafkaMessages,
    redeliveredByTopic,
    projectedEvents: projected.length,
    projectionSchema: view.consumer ? `${view.schema} (consumer ${view.consumer})` : view.schema,
    deadLetters,
    casesInProjection: inProjection.size,
    casesDriven: cases.length,
    referrals,
    cpsCasesOpened,
    charges,
    courtCasesOpened,
    answeredByIdempotencyKey,
    rows,
  };
}

/** For each police kill: how many events were committed but unpublished at the kill, and whether each reached Kafka later. */
export function killWindowFigures(kills: readonly PoliceKill[], reconciliation: Reconciliation): { committedUnpublished: number; publishedAfterRestart: number } {
  let committedUnpublished = 0;
  let publishedAfterRestart = 0;
  for (const kill of kills) {
    for (const id of kill.unpublishedAtKill) {
      const row = reconciliation.rows.get(id);
      if (!row) continue;
      committedUnpublished += 1;
      if (row.publishedAt !== null && row.publishedAt > kill.at) publishedAfterRestart += 1;
    }
  }
  return { committedUnpublished, publishedAfterRestart };
}
