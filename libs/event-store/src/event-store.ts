import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { agencySource, eventTypeName, LATEST_SCHEMA_VERSION, upcast, validateEnvelope, type Agency, type EventEnvelope } from '@hc/contracts';
import { DomainError, type Decider, type DomainEvent, type Warning } from '@hc/domain';

export interface StoredEvent {
  readonly position: string;
  readonly streamId: string;
  readonly version: number;
  readonly envelope: EventEnvelope;
}

export interface CommandContext {
  /** The time the service received the command; events carry it as their CloudEvents `time`. */
  readonly now: Date;
  /** Id of what caused the command: an upstream event id, or the HTTP request id. */
  readonly causationId: string;
  /** Id shared by everything one case's journey caused, across agencies. */
  readonly correlationId?: string;
  /** An upstream message id: if it was acted on already, nothing is appended. */
  readonly inboxMessageId?: string;
  /** An agency system's idempotency key for this command, with what to answer it. */
  readonly idempotency?: Idempotency;
}

export interface Idempotency {
  readonly key: string;
  /** Who sent it (an API key's system): keys are scoped to their sender, so one system's key never blocks another's. */
  readonly owner?: string;
  /** Hash of the request; the same key with a different request is refused. */
  readonly fingerprint: string;
  /** What the caller answers (without the version, which the store adds); stored with the key. */
  readonly response: Readonly<Record<string, unknown>>;
}

export interface CommandResult {
  readonly streamId: string;
  /** Version of the stream after the command. */
  readonly version: number;
  readonly appended: readonly StoredEvent[];
  /** True when the command was a redelivery of a message or a request already acted on. */
  readonly duplicate: boolean;
  /**
   * The answer to give: the stored one for a repeated idempotency key, else the caller's with the
   * version, the types of the events recorded and the warnings.
   */
  readonly response: Readonly<Record<string, unknown>>;
}

/** The same idempotency key was stored by a concurrent request; the command is looked up again. */
class IdempotencyRace extends Error {}

export class ConcurrencyError extends Error {
  constructor(streamId: string, expectedVersion: number) {
    super(`stream ${streamId} moved past version ${expectedVersion} while the command was decided`);
  }
}

const UNIQUE_VIOLATION = '23505';
/** How many times a command is decided when others on its stream keep being recorded first. */
export const DEFAULT_COMMAND_ATTEMPTS = 5;

interface EventRow {
  position: string;
  stream_id: string;
  version: number;
  envelope: EventEnvelope;
}

/** Events come out of the store at the latest schema version of their type. */
function toStored(row: EventRow): StoredEvent {
  return { position: String(row.position), streamId: row.stream_id, version: row.version, envelope: upcast(row.envelope) };
}

/** Events of one agency, in that agency's schema. The domain sees `{ type, data }`; Kafka sees envelopes. */
export class EventStore {
  private readonly appendListeners: Array<() => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly agency: Agency,
    private readonly commandAttempts = DEFAULT_COMMAND_ATTEMPTS,
  ) {}

  onAppend(listener: () => void): void {
    this.appendListeners.push(listener);
  }

  async readStream(streamId: string, manager: EntityManager = this.dataSource.manager): Promise<StoredEvent[]> {
    const rows: EventRow[] = await manager.query(
      `SELECT position, stream_id, version, envelope FROM "${this.schema}".events WHERE stream_id = $1 ORDER BY version`,
      [streamId],
    );
    return rows.map(toStored);
  }

  /** A stream and the state its decider folds from it (the initial state for a stream with no event). */
  async load<TEvent extends DomainEvent, TState>(
    streamId: string,
    decider: Pick<Decider<unknown, TEvent, TState>, 'initialState' | 'evolve'>,
  ): Promise<{ stream: StoredEvent[]; state: TState }> {
    const stream = await this.readStream(streamId);
    const state = stream.reduce((current, stored) => decider.evolve(current, toDomainEvent(stored.envelope) as TEvent), decider.initialState());
    return { stream, state };
  }

  async hasProcessed(messageId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM "${this.schema}".inbox WHERE message_id = $1`, [
      messageId,
    ]);
    return rows.length > 0;
  }

  /** The stored answer to a command sent before with this idempotency key, if any. */
  private async answered(idempotency: Idempotency): Promise<CommandResult | undefined> {
    const rows: Array<{ fingerprint: string; stream_id: string; response: Record<string, unknown> }> = await this.dataSource.query(
      `SELECT fingerprint, stream_id, response FROM "${this.schema}".idempotency_keys WHERE idempotency_key = $1`,
      [storedKey(idempotency)],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.fingerprint !== idempotency.fingerprint) {
      throw new DomainError(
        'idempotency_key_reused',
        `Idempotency-Key ${idempotency.key} was already used for a different request; use a new key for a new command`,
        'conflict',
      );
    }
    return { streamId: row.stream_id, version: Number(row.response.version), appended: [], duplicate: true, response: row.response };
  }

  /**
   * Loads the stream, decides, and appends at the version it read. If another command appended
   * first, the unique (stream, version) refuses the write and the command is decided again on the
   * new state.
   */
  async handle<TCommand, TEvent extends DomainEvent, TState>(
    streamId: string,
    decider: Decider<TCommand, TEvent, TState>,
    command: TCommand,
    context: CommandContext,
  ): Promise<CommandResult> {
    for (let attempt = 1; ; attempt++) {
      if (context.inboxMessageId && (await this.hasProcessed(context.inboxMessageId))) {
        const stream = await this.readStream(streamId);
        return { streamId, version: stream.length, appended: [], duplicate: true, response: answer(stream.length, [], []) };
      }
      if (context.idempotency) {
        const answered = await this.answered(context.idempotency);
        if (answered) return answered;
      }
      const { stream, state } = await this.load(streamId, decider);
      let decision: ReturnType<typeof decider.decide>;
      try {
        decision = decider.decide(command, state);
      } catch (error) {
        // A copy of this request sent at the same moment may have been recorded just now (this one
        // then decides on the state it left, and is refused): answer it as the first was answered.
        const answered = error instanceof DomainError && context.idempotency ? await this.answered(context.idempotency) : undefined;
        if (answered) return answered;
        throw error;
      }
      const { events, warnings } = decision;
      try {
        return await this.append(streamId, stream.length, events, context, stream[0]?.envelope.correlationid, warnings);
      } catch (error) {
        if (error instanceof IdempotencyRace) continue;
        if (error instanceof ConcurrencyError && attempt < this.commandAttempts) continue;
        throw error;
      }
    }
  }

  async append(
    streamId: string,
    expectedVersion: number,
    events: readonly DomainEvent[],
    context: CommandContext,
    streamCorrelationId?: string,
    warnings: readonly Warning[] = [],
  ): Promise<CommandResult> {
    const correlationId = context.correlationId ?? streamCorrelationId ?? streamId;
    const envelopes = events.map(
      (event, index): EventEnvelope => ({
        specversion: '1.0',
        id: randomUUID(),
        source: agencySource(this.agency),
        type: eventTypeName(this.agency, event.type),
        time: context.now.toISOString(),
        subject: streamId,
        datacontenttype: 'application/json',
        causationid: context.causationId,
        correlationid: correlationId,
        streamversion: expectedVersion + index + 1,
        schemaversion: LATEST_SCHEMA_VERSION[`${this.agency}.${event.type}`] ?? 1,
        data: event.data,
      }),
    );
    // What is stored is published and consumed: an event its own schema refuses is never stored,
    // so nothing an agency accepts can be dead-lettered downstream.
    for (const envelope of envelopes) {
      const validation = validateEnvelope(envelope);
      if (!validation.valid) {
        throw new DomainError('event_refused_by_schema', `the command cannot be recorded as its consumers would refuse the event: ${validation.reason}`);
      }
    }
    const result = await this.dataSource.transaction(async (manager) => {
      if (context.inboxMessageId) {
        const inserted: unknown[] = await manager.query(
          `INSERT INTO "${this.schema}".inbox (message_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING message_id`,
          [context.inboxMessageId],
        );
        if (inserted.length === 0) {
          return { streamId, version: expectedVersion, appended: [], duplicate: true, response: answer(expectedVersion, [], []) };
        }
      }
      const version = expectedVersion + envelopes.length;
      const response = { ...context.idempotency?.response, ...answer(version, events, warnings) };
      if (context.idempotency) {
        const stored: unknown[] = await manager.query(
          `INSERT INTO "${this.schema}".idempotency_keys (idempotency_key, fingerprint, stream_id, response)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING idempotency_key`,
          [storedKey(context.idempotency), context.idempotency.fingerprint, streamId, response],
        );
        if (stored.length === 0) throw new IdempotencyRace();
      }
      const appended: StoredEvent[] = [];
      for (const envelope of envelopes) {
        try {
          const rows: EventRow[] = await manager.query(
            `INSERT INTO "${this.schema}".events (event_id, stream_id, version, type, envelope)
             VALUES ($1, $2, $3, $4, $5) RETURNING position, stream_id, version, envelope`,
            [envelope.id, streamId, envelope.streamversion, envelope.type, envelope],
          );
          appended.push(toStored(rows[0]!));
        } catch (error) {
          if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new ConcurrencyError(streamId, expectedVersion);
          throw error;
        }
      }
      return { streamId, version, appended, duplicate: false, response };
    });
    if (result.appended.length > 0) this.appendListeners.forEach((listener) => listener());
    return result;
  }
}

function storedKey(idempotency: Pick<Idempotency, 'key' | 'owner'>): string {
  return idempotency.owner ? `${idempotency.owner} ${idempotency.key}` : idempotency.key;
}

/** What every command answers besides the caller's own fields: the version, what was recorded, the warnings. */
function answer(version: number, events: readonly DomainEvent[], warnings: readonly Warning[]) {
  return { version, events: events.map((event) => event.type), warnings };
}

/** `{ type, data }` of the domain from an envelope of this store (type name without its prefix). */
export function toDomainEvent(envelope: EventEnvelope): DomainEvent {
  return { type: envelope.type.slice(envelope.type.lastIndexOf('.') + 1), data: envelope.data };
}
