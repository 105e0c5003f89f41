import type { Agency, EventEnvelope } from '@hc/contracts';
import type { ConsumedMessage } from '@hc/kafka';
import { eventTypeOf } from '../journey/case-facts';

/**
 * The events a case holds, by id and by the stream version each takes in its agency's stream, so
 * that a new event is told apart as new, a copy (same id: dropped), or a repeat (another id at a
 * version already taken: refused). An agency's event store gives each version of a stream to one
 * event only (unique stream and version), so a repeat is a forged or broken message: it is
 * dead-lettered with the reason, never stored, never counted. A version past a gap is different:
 * the missing event may yet arrive, so that event is stored and held (`countedEvents`).
 */
export class CaseStreams {
  private readonly ids = new Set<string>();
  /** Per agency, version -> the id of the event that took it (numbers as keys: no text built per event). */
  private readonly versions: Record<Agency, Map<number, string>> = { police: new Map(), cps: new Map(), courts: new Map() };

  constructor(events: Iterable<EventEnvelope> = []) {
    for (const event of events) this.add(event);
  }

  has(eventId: string): boolean {
    return this.ids.has(eventId);
  }

  /** Why this event may not be added (another event took its version), or undefined. */
  repeatOf(event: EventEnvelope): string | undefined {
    const agency = eventTypeOf(event.type)?.agency;
    const holder = agency && this.versions[agency].get(event.streamversion);
    if (!holder || holder === event.id) return undefined;
    return (
      `version ${event.streamversion} of the ${agency} stream of case ${event.subject} is already taken by event ${holder}; ` +
      `a second event at one version is never counted (a forged or broken message: the ${agency} event store gives each version to one event)`
    );
  }

  add(event: EventEnvelope): void {
    this.ids.add(event.id);
    const agency = eventTypeOf(event.type)?.agency;
    if (!agency) return;
    const taken = this.versions[agency];
    if (!taken.has(event.streamversion)) taken.set(event.streamversion, event.id);
  }
}

/**
 * The events of a batch new to a case (whose stored events `known` describes), in offset order:
 * a copy of an event the case holds, or of one earlier in the batch, is dropped; a repeat (another
 * event at a version taken) is refused with the reason, to be dead-lettered. `known` is not changed
 * (the batch may yet roll back).
 */
export function newEvents<T extends { readonly envelope: EventEnvelope; readonly message: ConsumedMessage }>(
  known: CaseStreams,
  batch: readonly T[],
): { added: T[]; repeats: Array<{ message: ConsumedMessage; reason: string }> } {
  const taken = new CaseStreams();
  const added: T[] = [];
  const repeats: Array<{ message: ConsumedMessage; reason: string }> = [];
  for (const item of batch) {
    const { envelope } = item;
    if (known.has(envelope.id) || taken.has(envelope.id)) continue;
    const repeat = known.repeatOf(envelope) ?? taken.repeatOf(envelope);
    if (repeat) {
      repeats.push({ message: item.message, reason: repeat });
      continue;
    }
    taken.add(envelope);
    added.push(item);
  }
  return { added, repeats };
}
