import type { DataSource, EntityManager } from 'typeorm';
import { upcast, validateEnvelope, type Agency, type EventEnvelope } from '@hc/contracts';
import type { ConsumedBatch, ConsumedMessage } from '@hc/kafka';
import { countedEvents, eventTypeOf } from '../journey/case-facts';
import { buildCaseJourney, JOURNEY_COLUMNS, type CaseJourney, type JourneyRow } from '../journey/case-journey';
import type { ReadModel, ReadModelState } from '../read-model/read-model';
import { CaseEventCache } from './case-event-cache';
import { copyRows, type CopyColumn } from './copy-rows';
import { CaseStreams, newEvents } from './stream-versions';

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
  /** Cases whose rows were rebuilt (none while the read model is building: see materialise). */
  readonly casesRebuilt: number;
  /**
   * Every case the batch folded, with how many of its events it holds back, not counted (past a
   * gap in their agency's stream versions, waiting for the missing one; 0 for most). None while
   * the version is building: it folds no case until it is switched in.
   */
  readonly held: ReadonlyArray<{ readonly caseId: string; readonly events: number }>;
  /** The statistics were recomputed in the batch's transaction (the version is the active one). */
  readonly statisticsRefreshed: boolean;
  /** The batch changed rows of the active version and left the statistics to a later refresh. */
  readonly statisticsStale: boolean;
  /**
   * Not taken: it starts after the partition's stored offset (the group's offset on Kafka is ahead
   * of this database, which was restored to an earlier point), so the partition must be read again
   * from this offset.
   */
  readonly rewindTo?: string;
  /** Offsets that are not on Kafka any more (the partition was read again from the first and still started later): never projected. */
  readonly missing?: { readonly from: string; readonly to: string };
}

/**
 * Statistics are recomputed in a batch's own transaction when the last refresh is at least this old
 * and at least four of its durations ago (so recomputing costs at most about a fifth of the time
 * under load); otherwise the runner recomputes them once the batches pause.
 */
export const STATISTICS_REFRESH_INTERVAL_MS = 1000;

export interface ApplyHooks {
  /**
   * Runs last inside the transaction, with the messages refused. Dead letters are sent here: a
   * crash after sending re-sends them (at least once on the dead-letter topic) but never drops one.
   * A throw rolls the whole batch back, as a crash would.
   */
  readonly beforeCommit: (rejected: readonly Rejected[]) => Promise<void>;
  /** Messages to refuse whatever they hold (by offset), with the reason: those the database could not store. */
  readonly refuse?: ReadonlyMap<string, string>;
}

interface Accepted {
  readonly message: ConsumedMessage;
  readonly envelope: EventEnvelope;
  /** The event as published, on one line. */
  readonly line: string;
}

interface Appended {
  readonly caseId: string;
  readonly added: readonly Accepted[];
  /** What was known of the case before the batch; the added events join it once the batch commits. */
  readonly streams: CaseStreams;
}

/** Separates the appended event lines of the cases of one batch in a single text parameter; never in valid JSON text. */
const RECORD_SEPARATOR = '\x1e';
const JSON_COLUMNS = new Set<keyof JourneyRow>(['charges', 'sentence_offences']);
const JOURNEY_COPY: ReadonlyArray<CopyColumn<JourneyRow>> = JOURNEY_COLUMNS.map((name) => ({
  name,
  value: (row: JourneyRow) => row[name],
  json: JSON_COLUMNS.has(name),
}));

const ATTRITION_COUNTS = [
  'recorded', 'suspects_identified', 'referred_to_cps', 'pre_charge_decisions', 'charged', 'convicted', 'sentenced', 'uplift_announced',
] as const;

/** Cases folded per statement when the whole read model is materialised. */
const MATERIALISE_CHUNK = 4000;

/**
 * Applies one Kafka batch in one PostgreSQL transaction, with the partition's next offset, so each
 * message takes effect once; a crash anywhere leaves none of it and the batch is read again from
 * the stored offset. Events are de-duplicated by id and appended to their case's `case_events` row.
 *
 * - While the read model is the active one (or retired), the batch also rebuilds the rows of every
 *   case it touched, each once, from all the case's events, and (active only) the statistics.
 * - While it is building from offset 0, nobody reads its rows, so the batch only appends: each case
 *   is folded once, by `materialise`, when the version has caught up and is switched in. Folding a
 *   case again for every batch that touches it would triple the work of a rebuild.
 *
 * Set-based: a handful of statements per batch, whatever its size.
 */
export class ProjectionWriter {
  private readonly schema: string;
  /** The events of each case appended by this process while building (ids and versions): enough to de-duplicate without reading back. */
  private readonly knownIds = new Map<string, CaseStreams>();
  /** While building: true when this process started the build from an empty read model, so a case it has not seen has no stored events. */
  private knowsEveryStoredId = false;
  /** Cases appended since `trackAppends` was called, for the switch to fold again. */
  private appendedSince?: Set<string>;
  private lastRefresh = { at: 0, ms: 0 };
  /** Partitions this process asked to read again, with the offset it asked for. */
  private readonly rewound = new Map<string, bigint>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: ReadModel,
    private readonly agencyOfTopic: (topic: string) => Agency | undefined,
    private readonly cache = new CaseEventCache(),
  ) {
    this.schema = readModel.schema;
  }

  /** The read model held no event when this process started building it. */
  startedFromEmpty(): void {
    this.knowsEveryStoredId = true;
  }

  async apply(batch: ConsumedBatch, hooks: ApplyHooks): Promise<BatchOutcome> {
    const { outcome, afterCommit } = await this.dataSource.transaction(async (manager) => {
      const nextOffset = await this.lockOffset(manager, batch.topic, batch.partition);
      const nothing = { fresh: 0, applied: 0, rejected: [], held: [], casesRebuilt: 0, statisticsRefreshed: false, statisticsStale: false };
      const partition = `${batch.topic}/${batch.partition}`;
      const first = BigInt(batch.messages[0]!.offset);
      let missing: BatchOutcome['missing'];
      if (first > nextOffset) {
        // Kafka delivered past what this database holds: read the partition again from the stored
        // offset. If it still starts later after that, the offsets between are gone from Kafka.
        if (this.rewound.get(partition) !== nextOffset) {
          this.rewound.set(partition, nextOffset);
          return { outcome: { ...nothing, rewindTo: nextOffset.toString() }, afterCommit: (): void => undefined };
        }
        missing = { from: nextOffset.toString(), to: (first - 1n).toString() };
      }
      const fresh = batch.messages.filter((message) => BigInt(message.offset) >= nextOffset);
      if (fresh.length === 0) return { outcome: nothing, afterCommit: (): void => undefined };

      const byCase = new Map<string, Accepted[]>();
      const rejected: Rejected[] = [];
      for (const message of fresh) {
        const refused = hooks.refuse?.get(message.offset);
        const verdict = refused ? { reason: refused } : this.check(message);
        if ('reason' in verdict) rejected.push({ message, reason: verdict.reason });
        else {
          const list = byCase.get(verdict.envelope.subject);
          if (list) list.push(verdict);
          else byCase.set(verdict.envelope.subject, [verdict]);
        }
      }

      const state = await this.state(manager);
      const agency = this.agencyOfTopic(batch.topic)!;
      let applied = 0;
      let casesRebuilt = 0;
      let held: BatchOutcome['held'] = [];
      let afterCommit: () => void = () => undefined;
      if (byCase.size > 0 && state === 'building') {
        const { appended, repeats } = await this.append(manager, agency, byCase);
        rejected.push(...repeats);
        applied = appended.reduce((sum, item) => sum + item.added.length, 0);
        for (const { caseId } of appended) this.appendedSince?.add(caseId);
        afterCommit = () => {
          for (const { caseId, added, streams } of appended) {
            // A batch of another topic may have set the case's entry meanwhile: add to that one.
            const known = this.knownIds.get(caseId) ?? streams;
            this.knownIds.set(caseId, known);
            for (const item of added) known.add(item.envelope);
          }
        };
      } else if (byCase.size > 0) {
        const { rebuilt, repeats } = await this.rebuild(manager, agency, byCase);
        rejected.push(...repeats);
        applied = rebuilt.reduce((sum, item) => sum + item.added, 0);
        casesRebuilt = rebuilt.length;
        held = rebuilt.map((item) => ({ caseId: item.caseId, events: item.held }));
        afterCommit = () => {
          for (const item of rebuilt) this.cache.set(item.caseId, item.events);
        };
      }
      await this.storeOffset(manager, batch, fresh[fresh.length - 1]!);

      const changed = casesRebuilt > 0 && state === 'active';
      const statisticsRefreshed = changed && this.refreshDue();
      if (statisticsRefreshed) await this.refreshStatistics(manager);
      await hooks.beforeCommit(rejected);
      return {
        outcome: { fresh: fresh.length, applied, rejected, held, casesRebuilt, statisticsRefreshed, statisticsStale: changed && !statisticsRefreshed, missing },
        afterCommit: (): void => {
          this.rewound.delete(partition);
          afterCommit();
        },
      };
    });
    afterCommit();
    return outcome;
  }

  /** The next offset this read model holds for each of these partitions (0 where it has taken nothing). */
  async storedOffsets(partitions: ReadonlyArray<{ topic: string; partition: number }>): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    const rows: Array<{ topic: string; partition: number; next_offset: string }> = await this.dataSource.query(
      `SELECT topic, partition, next_offset::text AS next_offset FROM ${this.schema}.consumer_offsets WHERE consumer = $1`,
      [this.readModel.consumer],
    );
    const stored = new Map(rows.map((row) => [`${row.topic}/${row.partition}`, row.next_offset]));
    return partitions.map(({ topic, partition }) => ({ topic, partition, offset: stored.get(`${topic}/${partition}`) ?? '0' }));
  }

  private refreshDue(): boolean {
    const since = Date.now() - this.lastRefresh.at;
    return since >= STATISTICS_REFRESH_INTERVAL_MS && since >= 4 * this.lastRefresh.ms;
  }

  /** Recomputes the statistics tables from the rows, in the given transaction or in one of its own. */
  async refreshStatistics(manager?: EntityManager): Promise<void> {
    const started = Date.now();
    if (manager) await manager.query(`SELECT ${this.schema}.refresh_statistics()`);
    else await this.dataSource.query(`SELECT ${this.schema}.refresh_statistics()`);
    this.lastRefresh = { at: Date.now(), ms: Date.now() - started };
  }

  /**
   * From now on, remember the cases appended while building, so that the switch can fold again any
   * case a batch touched after `materialise` had passed it.
   */
  trackAppends(): void {
    this.appendedSince = new Set();
  }

  /** The cases appended since `trackAppends` (including batches that then rolled back: folding one again is harmless). */
  appendedSinceTracking(): string[] {
    return [...(this.appendedSince ?? [])];
  }

  /**
   * Folds every case of the read model from its stored events into `journeys` and `flag_audit`, in
   * chunks, each in its own transaction (the version is not read by anyone yet, and folding a case
   * again gives the same rows). Reading and folding the next chunk overlaps writing this one.
   */
  async materialise(): Promise<{ cases: number; events: number; held: { events: number; cases: number } }> {
    let after = '00000000-0000-0000-0000-000000000000';
    let cases = 0;
    let events = 0;
    const held = { events: 0, cases: 0 };
    let writing: Promise<void> = Promise.resolve();
    for (;;) {
      const rows: Array<{ case_id: string; events: string }> = await this.dataSource.query(
        `SELECT case_id, ${STORED_EVENTS} AS events FROM ${this.schema}.case_events WHERE case_id > $1 ORDER BY case_id LIMIT ${MATERIALISE_CHUNK}`,
        [after],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.case_id;
      const journeys = rows.map((row) => buildCaseJourney(row.case_id, parseLines(row.events)));
      cases += journeys.length;
      for (const journey of journeys) {
        events += journey.eventCount;
        held.events += journey.heldEvents;
        if (journey.heldEvents > 0) held.cases += 1;
      }
      await writing;
      writing = this.dataSource.transaction((manager) => this.writeRows(manager, journeys, true));
    }
    await writing;
    this.knownIds.clear();
    return { cases, events, held };
  }

  /**
   * Counts, for every stored case, the events it holds back (past a gap in their agency's stream
   * versions), in chunks, reading only: the version numbers are enough, no fold. False when it
   * stopped before the last case.
   */
  async countHeld(onCase: (caseId: string, held: number) => void, stopped: () => boolean = () => false): Promise<boolean> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      if (stopped()) return false;
      const rows: Array<{ case_id: string; events: string }> = await this.dataSource.query(
        `SELECT case_id, ${STORED_EVENTS} AS events FROM ${this.schema}.case_events WHERE case_id > $1 ORDER BY case_id LIMIT ${MATERIALISE_CHUNK}`,
        [after],
      );
      if (rows.length === 0) return true;
      after = rows[rows.length - 1]!.case_id;
      for (const row of rows) {
        const events = row.events.split('\n').map((line) => JSON.parse(line) as EventEnvelope);
        onCase(row.case_id, countedEvents(row.case_id, events).held.length);
      }
      // Let the batches and the HTTP requests in between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Folds these cases again inside the caller's transaction (the switch, for cases appended during `materialise`). */
  async materialiseCases(manager: EntityManager, caseIds: readonly string[]): Promise<void> {
    for (let i = 0; i < caseIds.length; i += MATERIALISE_CHUNK) {
      await this.writeRows(manager, await this.foldStored(manager, caseIds.slice(i, i + MATERIALISE_CHUNK)), true);
    }
    this.appendedSince = undefined;
  }

  /**
   * Folds these cases again from their stored events and compares the result with their stored
   * journey rows and audit findings, in SQL (so that types compare as PostgreSQL stores them), in
   * a transaction that writes nothing. Answers the cases whose rows differ, and those that hold
   * events not counted (past a gap in their agency's stream versions).
   */
  async verifyCases(caseIds: readonly string[]): Promise<{ differing: string[]; held: Array<{ caseId: string; events: number }> }> {
    if (caseIds.length === 0) return { differing: [], held: [] };
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(`CREATE TEMP TABLE verify_journeys (LIKE ${this.schema}.journeys) ON COMMIT DROP`);
      await manager.query(`CREATE TEMP TABLE verify_findings (LIKE ${this.schema}.flag_audit) ON COMMIT DROP`);
      const journeys = await this.foldStored(manager, caseIds);
      await insertRows(manager, { journeys: 'verify_journeys', findings: 'verify_findings' }, journeys);
      const differing: Array<{ case_id: string }> = await manager.query(
        `WITH stored_journeys AS (SELECT * FROM ${this.schema}.journeys WHERE case_id = ANY($1::uuid[])),
              stored_findings AS (SELECT * FROM ${this.schema}.flag_audit WHERE case_id = ANY($1::uuid[]))
         SELECT DISTINCT case_id::text FROM (
           (SELECT * FROM stored_journeys EXCEPT ALL SELECT * FROM verify_journeys)
           UNION ALL (SELECT * FROM verify_journeys EXCEPT ALL SELECT * FROM stored_journeys)
         ) j
         UNION
         SELECT DISTINCT case_id::text FROM (
           (SELECT * FROM stored_findings EXCEPT ALL SELECT * FROM verify_findings)
           UNION ALL (SELECT * FROM verify_findings EXCEPT ALL SELECT * FROM stored_findings)
         ) f
         ORDER BY 1`,
        [caseIds],
      );
      return {
        differing: differing.map((row) => row.case_id),
        held: journeys.filter((journey) => journey.heldEvents > 0).map((journey) => ({ caseId: journey.caseId, events: journey.heldEvents })),
      };
    });
  }

  /** These cases folded from their stored events. */
  private async foldStored(manager: EntityManager, caseIds: readonly string[]): Promise<CaseJourney[]> {
    const rows: Array<{ case_id: string; events: string }> = await manager.query(
      `SELECT case_id, ${STORED_EVENTS} AS events FROM ${this.schema}.case_events WHERE case_id = ANY($1::uuid[])`,
      [caseIds],
    );
    return rows.map((row) => buildCaseJourney(row.case_id, parseLines(row.events)));
  }

  private check(message: ConsumedMessage): Accepted | { reason: string } {
    if (message.value === null) return { reason: 'message has no value' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.value);
    } catch (error) {
      return { reason: `message is not JSON: ${(error as Error).message}` };
    }
    const validation = validateEnvelope(parsed);
    if (!validation.valid) return { reason: validation.reason };
    const { envelope } = validation;
    const expected = this.agencyOfTopic(message.topic);
    const actual = eventTypeOf(envelope.type)?.agency;
    if (actual !== expected) return { reason: `${envelope.type} does not belong on topic ${message.topic}` };
    if (message.key !== null && message.key !== envelope.subject) {
      return { reason: `message key ${message.key} is not the case id ${envelope.subject}` };
    }
    // One event per line in `case_events`, in the latest version of its schema: an older event is
    // stored upcast, so the text it carried (an offence description, a typed reason) is never kept.
    // A pretty-printed message is stored compacted.
    const wasUpcast = envelope.schemaversion !== (parsed as EventEnvelope).schemaversion;
    const line = wasUpcast || message.value.includes('\n') ? JSON.stringify(envelope) : message.value;
    return { message, envelope, line };
  }

  /**
   * Row lock on the partition's offset: a second writer of the same partition waits, then sees the
   * new offset. The shared lock on the version's state lets the switch wait for batches in flight.
   */
  private async lockOffset(manager: EntityManager, topic: string, partition: number): Promise<bigint> {
    const rows: Array<{ next_offset: string }> = await manager.query(
      `WITH state AS (SELECT pg_advisory_xact_lock_shared(hashtext($4)))
       INSERT INTO ${this.schema}.consumer_offsets (consumer, topic, partition, next_offset)
       SELECT $1, $2, $3, 0 FROM state
       ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = ${this.schema}.consumer_offsets.next_offset
       RETURNING next_offset`,
      [this.readModel.consumer, topic, partition, stateLockKey(this.readModel)],
    );
    return BigInt(rows[0]!.next_offset);
  }

  private async storeOffset(manager: EntityManager, batch: ConsumedBatch, last: ConsumedMessage): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.consumer_offsets SET next_offset = $4, updated_at = now()
        WHERE consumer = $1 AND topic = $2 AND partition = $3`,
      [this.readModel.consumer, batch.topic, batch.partition, (BigInt(last.offset) + 1n).toString()],
    );
  }

  private async state(manager: EntityManager): Promise<ReadModelState> {
    const rows: Array<{ state: ReadModelState }> = await manager.query(`SELECT state FROM projection.read_model_versions WHERE version = $1`, [
      this.readModel.version,
    ]);
    return rows[0]?.state ?? 'building';
  }

  /** While building: appends the events new to each case, with no fold. */
  private async append(
    manager: EntityManager,
    agency: Agency,
    byCase: ReadonlyMap<string, readonly Accepted[]>,
  ): Promise<{ appended: Appended[]; repeats: Rejected[] }> {
    // Sorted, so that batches of different partitions taken at once lock their rows in one order.
    const caseIds = [...byCase.keys()].sort();
    const unseen = this.knowsEveryStoredId ? [] : caseIds.filter((caseId) => !this.knownIds.has(caseId));
    const stored = new Map<string, CaseStreams>();
    if (unseen.length > 0) {
      const rows: Array<{ case_id: string; events: string }> = await manager.query(
        `SELECT case_id, ${STORED_EVENTS} AS events FROM ${this.schema}.case_events WHERE case_id = ANY($1::uuid[])`,
        [unseen],
      );
      for (const row of rows) stored.set(row.case_id, new CaseStreams(parseLines(row.events)));
    }
    const appended: Appended[] = [];
    const repeats: Rejected[] = [];
    for (const caseId of caseIds) {
      const known = this.knownIds.get(caseId) ?? stored.get(caseId) ?? new CaseStreams();
      const { added, repeats: refused } = newEvents(known, byCase.get(caseId)!);
      repeats.push(...refused);
      if (added.length > 0) appended.push({ caseId, added, streams: known });
    }
    if (appended.length > 0) {
      const column = eventsColumn(agency);
      await manager.query(
        `INSERT INTO ${this.schema}.case_events AS ce (case_id, event_count, ${column})
         SELECT id, n, lines FROM unnest($1::uuid[], $2::integer[], string_to_array($3, E'\\x1e')) AS batch(id, n, lines)
         ON CONFLICT (case_id) DO UPDATE
           SET event_count = ce.event_count + EXCLUDED.event_count, ${appendTo(column)}, updated_at = now()`,
        [
          appended.map((item) => item.caseId),
          appended.map((item) => item.added.length),
          appended.map((item) => item.added.map((accepted) => accepted.line).join('\n')).join(RECORD_SEPARATOR),
        ],
      );
    }
    return { appended, repeats };
  }

  /**
   * Rebuilds every case with an event new to it from all its events. An advisory lock per case
   * (taken in sorted order, so two writers cannot deadlock) stops two batches from rebuilding the
   * same case at once from different topics, each blind to the other's events.
   */
  private async rebuild(
    manager: EntityManager,
    agency: Agency,
    byCase: ReadonlyMap<string, readonly Accepted[]>,
  ): Promise<{ rebuilt: Array<{ caseId: string; events: readonly EventEnvelope[]; added: number; held: number }>; repeats: Rejected[] }> {
    const caseIds = [...byCase.keys()].sort();
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($2 || id, 0)) FROM unnest($1::text[]) AS id ORDER BY id`, [caseIds, this.schema]);
    const stored = await this.storedEvents(manager, caseIds);

    const cases: Array<{ caseId: string; events: readonly EventEnvelope[]; added: number; lines: string[] }> = [];
    const repeats: Rejected[] = [];
    for (const caseId of caseIds) {
      // Stored lines may hold a copy of an event (appended twice while building): each counts once.
      const events = [...new Map((stored.get(caseId) ?? []).map((event) => [event.id, event])).values()];
      const { added, repeats: refused } = newEvents(new CaseStreams(events), byCase.get(caseId)!);
      repeats.push(...refused);
      if (added.length === 0) continue;
      cases.push({ caseId, events: [...events, ...added.map((item) => item.envelope)], added: added.length, lines: added.map((item) => item.line) });
    }
    if (cases.length === 0) return { rebuilt: [], repeats };

    const column = eventsColumn(agency);
    await manager.query(
      `INSERT INTO ${this.schema}.case_events AS ce (case_id, event_count, ${column})
       SELECT id, n, lines FROM unnest($1::uuid[], $2::integer[], string_to_array($3, E'\\x1e')) AS batch(id, n, lines)
       ON CONFLICT (case_id) DO UPDATE
         SET event_count = EXCLUDED.event_count, ${appendTo(column)}, updated_at = now()`,
      [cases.map((item) => item.caseId), cases.map((item) => item.events.length), cases.map((item) => item.lines.join('\n')).join(RECORD_SEPARATOR)],
    );
    const journeys = cases.map((item) => buildCaseJourney(item.caseId, item.events));
    await this.writeRows(manager, journeys, false);
    return { rebuilt: cases.map(({ caseId, events, added }, i) => ({ caseId, events, added, held: journeys[i]!.heldEvents })), repeats };
  }

  /**
   * Replaces the rows of these cases. Materialising (the version is building: nobody reads it, and
   * the switch recomputes every statistic) it also corrects their event counts after duplicates;
   * otherwise it keeps the attrition by strand exact by taking these cases out as they were and
   * back in as they are.
   */
  private async writeRows(manager: EntityManager, journeys: readonly CaseJourney[], materialising: boolean): Promise<void> {
    if (journeys.length === 0) return;
    const caseIds = journeys.map((journey) => journey.caseId);
    if (!materialising) {
      await manager.query(`SELECT strand FROM ${this.schema}.stat_attrition_by_strand ORDER BY strand FOR UPDATE`);
      await manager.query(
        `UPDATE ${this.schema}.stat_attrition_by_strand t
            SET ${ATTRITION_COUNTS.map((column) => `${column} = t.${column} - old.${column}`).join(', ')}
           FROM ${this.schema}.attrition_by_strand_of($1::uuid[]) old
          WHERE t.strand = old.strand`,
        [caseIds],
      );
    }
    await manager.query(
      `WITH gone AS (DELETE FROM ${this.schema}.journeys WHERE case_id = ANY($1::uuid[]))
       DELETE FROM ${this.schema}.flag_audit WHERE case_id = ANY($1::uuid[])`,
      [caseIds],
    );
    await insertRows(manager, { journeys: `${this.schema}.journeys`, findings: `${this.schema}.flag_audit` }, journeys);
    if (!materialising) {
      await manager.query(
        // Every strand has its row from the table's creation (locked above); in strand order all
        // the same, should a strand the migration did not know ever appear.
        `INSERT INTO ${this.schema}.stat_attrition_by_strand AS t SELECT * FROM ${this.schema}.attrition_by_strand_of($1::uuid[]) ORDER BY strand
         ON CONFLICT (strand) DO UPDATE SET ${ATTRITION_COUNTS.map((column) => `${column} = t.${column} + EXCLUDED.${column}`).join(', ')}`,
        [caseIds],
      );
    }
    if (materialising) {
      await manager.query(
        `UPDATE ${this.schema}.case_events ce SET event_count = k.n
           FROM unnest($1::uuid[], $2::integer[]) AS k(case_id, n)
          WHERE ce.case_id = k.case_id AND ce.event_count <> k.n`,
        [caseIds, journeys.map((journey) => journey.eventCount + journey.heldEvents)],
      );
    }
  }

  /**
   * The stored events of these cases: from the cache where its count matches `case_events`, read
   * (and upcast on folding) from PostgreSQL otherwise.
   */
  private async storedEvents(manager: EntityManager, caseIds: readonly string[]): Promise<Map<string, readonly EventEnvelope[]>> {
    const result = new Map<string, readonly EventEnvelope[]>();
    const counts = caseIds.map((caseId) => this.cache.get(caseId)?.length ?? -1);
    const rows: Array<{ case_id: string; events: string | null }> = await manager.query(
      `SELECT k.case_id, CASE WHEN ce.event_count <> k.cached THEN ${STORED_EVENTS} END AS events
         FROM unnest($1::uuid[], $2::integer[]) AS k(case_id, cached)
         JOIN ${this.schema}.case_events ce ON ce.case_id = k.case_id`,
      [caseIds, counts],
    );
    for (const row of rows) result.set(row.case_id, row.events === null ? this.cache.get(row.case_id)! : parseLines(row.events));
    return result;
  }
}

/** Writes the journey rows (COPY) and audit findings of these cases into the given tables. */
async function insertRows(manager: EntityManager, tables: { journeys: string; findings: string }, journeys: readonly CaseJourney[]): Promise<void> {
  await copyRows(manager, tables.journeys, JOURNEY_COPY, journeys.flatMap((journey) => journey.rows));
  const findings = journeys.flatMap((journey) => journey.findings);
  if (findings.length > 0) {
    await manager.query(`INSERT INTO ${tables.findings} SELECT * FROM json_populate_recordset(NULL::${tables.findings}, $1::json)`, [JSON.stringify(findings)]);
  }
}

/** Every stored event of a case, one per line, from the three agencies' columns. */
const STORED_EVENTS = `concat_ws(E'\\n', police_events, cps_events, courts_events)`;

function eventsColumn(agency: Agency): string {
  return `${agency}_events`;
}

/** Appends the batch's lines to the agency's column (an append, not a rewrite, of the case's other agencies' events). */
function appendTo(column: string): string {
  return `${column} = CASE WHEN ce.${column} IS NULL THEN EXCLUDED.${column} ELSE ce.${column} || E'\\n' || EXCLUDED.${column} END`;
}

/** The advisory lock that orders a version's batches (shared) against its switch (exclusive). */
export function stateLockKey(readModel: ReadModel): string {
  return `${readModel.schema}:state`;
}

/** The stored events of a case, one JSON envelope per line (duplicates possible while building: the fold drops them). */
function parseLines(text: string): EventEnvelope[] {
  return text.split('\n').map((line) => upcast(JSON.parse(line) as EventEnvelope));
}
