import type { DataSource, EntityManager } from 'typeorm';
import { parseEventType, validateEnvelope, type Agency, type EventEnvelope } from '@hc/contracts';
import type { ConsumedBatch, ConsumedMessage } from '@hc/kafka';
import { buildCaseJourney, type CaseRow, type DefendantRow } from '../journey/case-journey';

export interface Rejected {
  readonly message: ConsumedMessage;
  readonly reason: string;
}

export interface BatchOutcome {
  /** Messages at or after the stored offset, i.e. not seen before. */
  readonly fresh: number;
  /** Of those, events new to the projection (a redelivered copy of a known event id is not). */
  readonly applied: number;
  readonly rejected: readonly Rejected[];
  readonly casesRebuilt: number;
}

/**
 * Applies one Kafka batch in one PostgreSQL transaction: the new events, the rebuilt rows of
 * every case they touch, and the partition's next offset. A crash anywhere leaves none of it, and
 * the batch is read again from the stored offset; a copy of an event already stored is ignored.
 */
export class ProjectionWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consumer: string,
    private readonly agencyOfTopic: (topic: string) => Agency | undefined,
  ) {}

  async apply(batch: ConsumedBatch, beforeCommit: (rejected: readonly Rejected[]) => Promise<void>): Promise<BatchOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const nextOffset = await this.lockOffset(manager, batch.topic, batch.partition);
      const fresh = batch.messages.filter((message) => BigInt(message.offset) >= nextOffset);
      if (fresh.length === 0) return { fresh: 0, applied: 0, rejected: [], casesRebuilt: 0 };

      const accepted: Array<{ message: ConsumedMessage; envelope: EventEnvelope }> = [];
      const rejected: Rejected[] = [];
      for (const message of fresh) {
        const verdict = this.check(message);
        if ('reason' in verdict) rejected.push({ message, reason: verdict.reason });
        else accepted.push({ message, envelope: verdict.envelope });
      }

      const inserted = await this.insertEvents(manager, accepted);
      const caseIds = [...new Set(inserted)].sort();
      if (caseIds.length > 0) await this.rebuildCases(manager, caseIds);

      const last = fresh[fresh.length - 1]!;
      await manager.query(
        `UPDATE projection.consumer_offsets SET next_offset = $4, updated_at = now()
          WHERE consumer = $1 AND topic = $2 AND partition = $3`,
        [this.consumer, batch.topic, batch.partition, (BigInt(last.offset) + 1n).toString()],
      );
      // Dead letters are sent before the commit: a crash after sending re-sends them (at least
      // once on the dead-letter topic) but can never drop one.
      await beforeCommit(rejected);
      return { fresh: fresh.length, applied: inserted.length, rejected, casesRebuilt: caseIds.length };
    });
  }

  private check(message: ConsumedMessage): { envelope: EventEnvelope } | { reason: string } {
    const validation = validateEnvelope(message.value);
    if (!validation.valid) return { reason: validation.reason };
    const { envelope } = validation;
    const expected = this.agencyOfTopic(message.topic);
    const actual = parseEventType(envelope.type)?.agency;
    if (actual !== expected) return { reason: `${envelope.type} does not belong on topic ${message.topic}` };
    if (message.key !== null && message.key !== envelope.subject) {
      return { reason: `message key ${message.key} is not the case id ${envelope.subject}` };
    }
    return { envelope };
  }

  /** Row lock on the partition's offset: a second consumer of the same partition waits, then sees the new offset. */
  private async lockOffset(manager: EntityManager, topic: string, partition: number): Promise<bigint> {
    await manager.query(
      `INSERT INTO projection.consumer_offsets (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
       ON CONFLICT DO NOTHING`,
      [this.consumer, topic, partition],
    );
    const rows: Array<{ next_offset: string }> = await manager.query(
      `SELECT next_offset FROM projection.consumer_offsets WHERE consumer = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
      [this.consumer, topic, partition],
    );
    return BigInt(rows[0]!.next_offset);
  }

  /** Stores events new by id; returns the case id of each one inserted. */
  private async insertEvents(
    manager: EntityManager,
    accepted: ReadonlyArray<{ message: ConsumedMessage; envelope: EventEnvelope }>,
  ): Promise<string[]> {
    if (accepted.length === 0) return [];
    const rows = accepted.map(({ message, envelope }) => ({
      event_id: envelope.id,
      case_id: envelope.subject,
      agency: parseEventType(envelope.type)!.agency,
      type: envelope.type,
      stream_version: envelope.streamversion,
      occurred_at: envelope.time,
      envelope,
      topic: message.topic,
      partition: message.partition,
      kafka_offset: message.offset,
    }));
    const inserted: Array<{ case_id: string }> = await manager.query(
      `INSERT INTO projection.events (event_id, case_id, agency, type, stream_version, occurred_at, envelope, topic, partition, kafka_offset)
       SELECT event_id, case_id, agency, type, stream_version, occurred_at, envelope, topic, partition, kafka_offset
         FROM json_populate_recordset(NULL::projection.events, $1::json)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING case_id`,
      [JSON.stringify(rows)],
    );
    return inserted.map((row) => row.case_id);
  }

  /**
   * Rebuilds the rows of these cases from all their stored events. An advisory lock per case
   * (taken in sorted order, so two writers cannot deadlock) stops two batches from rebuilding the
   * same case at once from different topics, each blind to the other's events.
   */
  private async rebuildCases(manager: EntityManager, caseIds: readonly string[]): Promise<void> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(id, 0)) FROM unnest($1::text[]) AS id ORDER BY id`,
      [caseIds],
    );
    const stored: Array<{ case_id: string; envelope: EventEnvelope }> = await manager.query(
      `SELECT case_id, envelope FROM projection.events WHERE case_id = ANY($1::uuid[])`,
      [caseIds],
    );
    const byCase = new Map<string, EventEnvelope[]>(caseIds.map((id) => [id, []]));
    for (const row of stored) byCase.get(row.case_id)?.push(row.envelope);
    const journeys = [...byCase].map(([caseId, events]) => buildCaseJourney(caseId, events));

    await manager.query(`DELETE FROM projection.cases WHERE case_id = ANY($1::uuid[])`, [caseIds]);
    await manager.query(
      `INSERT INTO projection.cases SELECT * FROM json_populate_recordset(NULL::projection.cases, $1::json)`,
      [JSON.stringify(journeys.map((journey) => caseColumns(journey.caseRow)))],
    );
    const defendants = journeys.flatMap((journey) => journey.defendants.map(defendantColumns));
    if (defendants.length > 0) {
      await manager.query(
        `INSERT INTO projection.defendants SELECT * FROM json_populate_recordset(NULL::projection.defendants, $1::json)`,
        [JSON.stringify(defendants)],
      );
    }
  }
}

function caseColumns(row: CaseRow): Record<string, unknown> {
  return {
    case_id: row.caseId,
    force_code: row.forceCode,
    crime_reference: row.crimeReference,
    recorded_at: row.recordedAt,
    financial_year: row.financialYear,
    police_flagged: row.policeFlagged,
    police_strands: row.policeStrands,
    religion_targeted_group: row.religionTargetedGroup,
    perceived_by: row.perceivedBy,
    urn: row.urn,
    referred_at: row.referredAt,
    victim_needs_passed_on: row.victimNeedsPassedOn,
    referral_flagged: row.referralFlagged,
    referral_strands: row.referralStrands,
    cps_received_at: row.cpsReceivedAt,
    cps_area: row.cpsArea,
    cps_flagged: row.cpsFlagged,
    cps_strands: row.cpsStrands,
  };
}

function defendantColumns(row: DefendantRow): Record<string, unknown> {
  return {
    case_id: row.caseId,
    defendant_id: row.defendantId,
    suspect_identified_at: row.suspectIdentifiedAt,
    referred_at: row.referredAt,
    pre_charge_decision: row.preChargeDecision,
    decided_at: row.decidedAt,
    charged_at: row.chargedAt,
    court_received_at: row.courtReceivedAt,
    court_flagged: row.courtFlagged,
    court_strands: row.courtStrands,
    convicted_at: row.convictedAt,
    conviction_basis: row.convictionBasis,
    court_type: row.courtType,
    sentenced_at: row.sentencedAt,
    uplift_applied: row.upliftApplied,
    uplift_provision: row.upliftProvision,
    uplift_stated_in_open_court: row.upliftStatedInOpenCourt,
    uplift_strands: row.upliftStrands,
    uplift_announced: row.upliftAnnounced,
    stage_reached: row.stageReached,
  };
}
