import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { configuredTopics } from '@hc/config';
import type { Agency } from '@hc/contracts';
import { BatchConsumer, DeadLetterPublisher, EventProducer, ensureTopics, topicOffsets, type BatchVerdict, type ConsumedBatch } from '@hc/kafka';
import { consumerGroup, kafkaConnection, TOPIC_PARTITIONS, type HealthIndicator } from '@hc/service-kit';
import { READ_MODEL, ReadModelControl, type ReadModelState } from '../read-model/read-model';
import { HeldEvents } from './held-events';
import { applyRefusingPoison } from './poison';
import { ProjectionWriter, STATISTICS_REFRESH_INTERVAL_MS, stateLockKey, type ApplyHooks, type Rejected } from './projection-writer';

/** Version of the read models; a new version is rebuilt from offset 0 under its own consumer name. */
export const PROJECTION_VERSION = READ_MODEL.version;

/**
 * Batches of different partitions written at once: while one waits on PostgreSQL, this process
 * validates the next. More than three only adds lock waits on two cores.
 */
const PARTITIONS_AT_ONCE = 3;

/** How long a consumer that could not start, or that kafkajs stopped, waits before a new one starts. */
const CONSUMER_RESTART_MS = 5000;

export type ConsumerState = 'joining' | 'consuming' | 'restarting';

/**
 * How long a batch may keep failing before the projection reports itself unhealthy: longer than a
 * restart of the database or the broker, which the retries ride out.
 */
const STALL_MS = 30_000;

/** How long a failed switch waits before it tries again when no batch comes to trigger it. */
const SWITCH_RETRY_MS = 5000;

/**
 * Hooks for tests that need to hold or break the projection at a precise point. `beforeCommit`
 * runs inside each batch's transaction, after the writes: throwing there is a crash mid-batch.
 */
export interface ProjectionHooks {
  readonly beforeCommit?: (batch: ConsumedBatch, rejected: readonly Rejected[]) => Promise<void> | void;
  /** How long a batch may keep failing before /health answers 503 (STALL_MS unless given). */
  readonly stallAfterMs?: number;
}
export const PROJECTION_HOOKS = Symbol('PROJECTION_HOOKS');

/**
 * Reads every agency topic in batches and hands each batch to the writer. While its read model is
 * building it keeps no statistics; once it has taken in every message the topics held when it
 * started, it switches the analytics views to its schema, and from then on recomputes the
 * statistics with each batch.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown, HealthIndicator {
  private readonly logger = new Logger('projection');
  private readonly consumerName = READ_MODEL.consumer;
  private readonly control: ReadModelControl;
  private consumer?: BatchConsumer;
  private readonly producer = new EventProducer(kafkaConnection('projection'));
  private state: ReadModelState = 'building';
  private firstBatchSeen = false;
  private writer?: ProjectionWriter;
  /** The switch in progress: it runs beside the consumer, so that heartbeats go on while it folds every case. */
  private activation?: Promise<void>;
  /** A refresh of the statistics waiting for the batches to pause, and one running. */
  private refreshTimer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private stopping = false;
  private consume?: () => BatchConsumer;
  private handleBatch?: (batch: ConsumedBatch) => Promise<BatchVerdict>;
  private consumerState: ConsumerState = 'joining';
  /** Set from the first failed attempt at a batch until a batch is taken. */
  private batchFailing?: { since: Date; attempts: number; error: string };
  private restartTimer?: NodeJS.Timeout;
  /** Messages each topic held when this process started: the mark a building version must reach. */
  private catchUpMark = new Map<string, bigint>();
  /** Events stored but not counted (past a gap in their stream), per case, for the status. */
  private readonly held = new HeldEvents();
  private countingHeld?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(PROJECTION_HOOKS) private readonly hooks?: ProjectionHooks,
  ) {
    this.control = new ReadModelControl(dataSource, READ_MODEL);
  }

  async onApplicationBootstrap(): Promise<void> {
    const topics = configuredTopics();
    const agencyTopics: Record<string, Agency> = { [topics.police]: 'police', [topics.cps]: 'cps', [topics.courts]: 'courts' };
    const connection = kafkaConnection('projection');
    await ensureTopics(connection, [
      ...Object.keys(agencyTopics).map((name) => ({ name, partitions: TOPIC_PARTITIONS })),
      { name: topics.deadLetter, partitions: 1 },
    ]);
    this.state = await this.control.register();
    const writer = new ProjectionWriter(this.dataSource, READ_MODEL, (topic) => agencyTopics[topic]);
    this.writer = writer;
    if (this.state === 'building') {
      // One admin connection for the three topics: the messages each holds now.
      for (const { topic, low, high } of await topicOffsets(connection, Object.keys(agencyTopics))) {
        this.catchUpMark.set(topic, (this.catchUpMark.get(topic) ?? 0n) + BigInt(high) - BigInt(low));
      }
      if ((await this.control.consumed()).size === 0) writer.startedFromEmpty();
      this.activateIfCaughtUp();
      await this.activation;
    }

    const deadLetters = new DeadLetterPublisher(this.producer, topics.deadLetter);
    this.consume = (): BatchConsumer =>
      new BatchConsumer({
        ...connection,
        groupId: consumerGroup(this.consumerName),
        topics: Object.keys(agencyTopics),
        // The writer is order-independent across partitions and locks what it shares in one order.
        partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
        // The offsets stored with the read model say where to resume, not the group's on Kafka.
        storedOffsets: (partitions) => writer.storedOffsets(partitions),
        onError: (error, attempt) => {
          this.batchFailing ??= { since: new Date(), attempts: 0, error: '' };
          this.batchFailing.attempts = attempt + 1;
          this.batchFailing.error = (error as Error).message;
          if (attempt % 10 === 0) this.logger.warn(`a batch or the stored offsets could not be read or written (attempt ${attempt + 1}); retrying: ${(error as Error).message}`);
        },
        onCrash: (error) => this.restartConsumer(`kafkajs stopped the consumer: ${error.message}`),
      });
    this.handleBatch = async (batch) => {
      if (!this.firstBatchSeen) {
        this.firstBatchSeen = true;
        await this.control.markFirstBatch();
      }
      const hooks = (taken: ConsumedBatch, refuse?: ReadonlyMap<string, string>): ApplyHooks => ({
        ...(refuse ? { refuse } : {}),
        beforeCommit: async (rejected) => {
          const now = new Date();
          for (const { message, reason } of rejected) {
            this.logger.warn(`dead-lettered ${message.topic}/${message.partition}/${message.offset}: ${reason}`);
            await deadLetters.publish({ consumer: this.consumerName, ...message, reason }, now);
          }
          await this.hooks?.beforeCommit?.(taken, rejected);
        },
      });
      const outcome = await applyRefusingPoison(batch, (taken, refuse) => writer.apply(taken, hooks(taken, refuse)));
      this.batchFailing = undefined;
      if (outcome.rewindTo !== undefined) {
        this.logger.warn(
          `${batch.topic}/${batch.partition}: Kafka delivered from offset ${batch.messages[0]!.offset}, but this database holds the partition only up to ${outcome.rewindTo} (restored to an earlier point?): reading it again from ${outcome.rewindTo}`,
        );
        return { rewindTo: outcome.rewindTo };
      }
      if (outcome.missing) {
        this.logger.error(
          `${batch.topic}/${batch.partition}: offsets ${outcome.missing.from} to ${outcome.missing.to} are not on Kafka any more (retention?) and were never projected; a rebuild from the agencies' event stores is needed to count them`,
        );
      }
      for (const { caseId, events } of outcome.held) {
        this.held.set(caseId, events);
        if (events === 0) continue;
        this.logger.warn(
          `case ${caseId} holds ${events} ${events === 1 ? 'event' : 'events'} not counted: past a gap in its agency's stream versions, waiting for the missing one (its timeline marks ${events === 1 ? 'it' : 'them'} held)`,
        );
      }
      if (outcome.applied > 0) {
        this.logger.debug(`${batch.topic}/${batch.partition}: ${outcome.applied} events, ${outcome.casesRebuilt} cases rebuilt`);
      }
      if (outcome.statisticsStale) this.refreshWhenQuiet();
      else if (outcome.statisticsRefreshed && this.refreshTimer) {
        clearTimeout(this.refreshTimer);
        this.refreshTimer = undefined;
      }
      if (this.state === 'building' && !this.activation) this.activateIfCaughtUp();
    };
    // Not awaited: joining the group can take a session timeout (a killed predecessor's membership
    // must expire first), and the statistics and timelines stay readable meanwhile.
    this.startConsumer();
    if (this.state !== 'building') this.countHeldEvents();
  }

  /** Starts a consumer; one that cannot start, or that kafkajs stops for good, is replaced after a pause. */
  private startConsumer(): void {
    if (this.stopping || !this.consume || !this.handleBatch) return;
    const consumer = this.consume();
    this.consumer = consumer;
    this.consumerState = 'joining';
    consumer
      .start(this.handleBatch)
      .then(() => {
        if (this.consumer === consumer && this.consumerState === 'joining') this.consumerState = 'consuming';
      })
      .catch((error: unknown) => this.restartConsumer(`the consumer could not start: ${(error as Error).message}`));
  }

  private restartConsumer(reason: string): void {
    if (this.stopping || this.restartTimer) return;
    this.consumerState = 'restarting';
    this.logger.error(`${reason}; a new consumer starts in ${CONSUMER_RESTART_MS / 1000} s`);
    const old = this.consumer;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void (old?.stop() ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => this.startConsumer());
    }, CONSUMER_RESTART_MS);
  }

  /** Where the consumer is: joining its group, consuming, or waiting to be started again. */
  consumerStatus(): ConsumerState {
    return this.consumerState;
  }

  /**
   * Events stored but not counted (past a gap in their agency's stream versions) and the cases
   * holding them; null while the version is building (it folds no case until it is switched in).
   */
  heldEvents(): { readonly events: number; readonly cases: number; readonly complete: boolean } | null {
    return this.state === 'building' ? null : this.held.status();
  }

  /** Counts every stored case's held events once, in the background (HeldEvents); again a little later if the database fails it. */
  private countHeldEvents(): void {
    const writer = this.writer!;
    this.held.begin();
    this.countingHeld = writer
      .countHeld((caseId, held) => this.held.counted(caseId, held), () => this.stopping)
      .then((finished) => {
        if (!finished) return;
        this.held.end();
        const { events, cases } = this.held.status();
        if (events > 0) this.logger.warn(`${events} events are held, not counted, in ${cases} cases: past a gap in their agency's stream versions, waiting for the missing events`);
      })
      .catch((error: unknown) => {
        if (this.stopping) return;
        this.logger.warn(`could not count the held events (trying again in ${CONSUMER_RESTART_MS / 1000} s): ${(error as Error).message}`);
        setTimeout(() => this.stopping || this.countHeldEvents(), CONSUMER_RESTART_MS).unref();
      });
  }

  /** The batch (or the stored offsets) that keeps failing, retried with backoff: since when, how often, why. */
  failingBatch(): { readonly since: string; readonly attempts: number; readonly error: string } | null {
    return this.batchFailing ? { ...this.batchFailing, since: this.batchFailing.since.toISOString() } : null;
  }

  /** Unhealthy while a batch has failed for longer than a brief outage of the database or the broker. */
  healthProblem(): string | undefined {
    const failing = this.batchFailing;
    if (!failing || Date.now() - failing.since.getTime() < (this.hooks?.stallAfterMs ?? STALL_MS)) return undefined;
    return `the projection has failed to take a batch since ${failing.since.toISOString()} (${failing.attempts} attempts): ${failing.error}`;
  }

  /**
   * A building version that has taken in everything the topics held at its start is switched in:
   * every case folded once (while the consumer goes on appending), then, in one transaction that
   * holds batches back, the cases appended meanwhile folded again, the statistics computed and the
   * analytics views published over its schema.
   */
  private activateIfCaughtUp(): void {
    this.activation = (async () => {
      const consumed = await this.control.consumed();
      const behind = [...this.catchUpMark].filter(([topic, mark]) => (consumed.get(topic) ?? 0n) < mark);
      if (behind.length > 0) {
        this.activation = undefined;
        return;
      }
      const writer = this.writer!;
      const started = Date.now();
      writer.trackAppends();
      const { cases, events, held } = await writer.materialise();
      const folded = Date.now();
      await this.control.activate(stateLockKey(READ_MODEL), (manager) => writer.materialiseCases(manager, writer.appendedSinceTracking()));
      this.state = 'active';
      this.countHeldEvents();
      this.logger.log(
        `read model ${READ_MODEL.version} caught up and is now the one analytics reads: ${cases} cases (${events} events) folded in ${folded - started} ms, switched in ${Date.now() - folded} ms` +
          (held.events > 0 ? `; ${held.events} events held, not counted (past a gap in their agency's stream versions), in ${held.cases} cases` : ''),
      );
    })().catch((error: unknown) => {
      this.activation = undefined;
      if (this.stopping) return;
      this.logger.error(`switching read model ${READ_MODEL.version} in failed; it goes on building and tries again: ${(error as Error).stack ?? String(error)}`);
      // Again with the next batch, or in a few seconds if none comes.
      setTimeout(() => {
        if (!this.stopping && this.state === 'building' && !this.activation) this.activateIfCaughtUp();
      }, SWITCH_RETRY_MS).unref();
    });
  }

  /** Recomputes the statistics once no batch has changed them for a moment. */
  private refreshWhenQuiet(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.stopping) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refreshing = this.writer!
        .refreshStatistics()
        .catch((error: unknown) => {
          this.logger.warn(`recomputing the statistics failed; trying again: ${(error as Error).message}`);
          this.refreshWhenQuiet();
        })
        .finally(() => (this.refreshing = undefined));
    }, STATISTICS_REFRESH_INTERVAL_MS);
    this.refreshTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.consumer?.stop();
    await this.activation;
    await this.refreshing;
    await this.countingHeld;
    await this.producer.disconnect();
    await this.dataSource.destroy();
  }
}
