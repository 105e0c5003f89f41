import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { configuredTopics } from '@hc/config';
import {
  parseEventType,
  type AcquittalBasis,
  type ConvictionBasis,
  type DefendantAcquitted,
  type DefendantConvicted,
  type EventEnvelope,
  type ProsecutionOutcome,
} from '@hc/contracts';
import { UpstreamConsumer } from '@hc/service-kit';
import type { CompleteProsecution } from '../domain/cps-case.decider';
import { CasesService } from '../cases/cases.service';

/** The CPS outcome category of each court result. */
const CONVICTION_OUTCOME: Readonly<Record<ConvictionBasis, ProsecutionOutcome>> = {
  guilty_plea: 'guilty_plea',
  after_trial: 'conviction_after_trial',
  proof_in_absence: 'proof_in_absence',
};
const ACQUITTAL_OUTCOME: Readonly<Record<AcquittalBasis, ProsecutionOutcome>> = {
  acquitted_after_trial: 'acquitted',
  dismissed: 'dismissed',
};

/**
 * Completes the CPS prosecution of a defendant from the court's verdict, so the CPS outcome of a
 * conviction or an acquittal is never keyed in again (and cannot disagree with the court's).
 * Other court events are not the CPS's business.
 */
@Controller()
export class CourtResultsConsumer {
  constructor(
    private readonly upstream: UpstreamConsumer,
    private readonly cases: CasesService,
  ) {}

  @EventPattern(configuredTopics().courts)
  async onCourtEvent(@Payload() value: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.upstream.consume(value, context, async (envelope) => {
      const command = prosecutionCompletedBy(envelope);
      if (!command) return;
      await this.cases.react(command, { eventId: envelope.id, correlationId: envelope.correlationid });
    });
  }
}

/** The completion a court result causes, with the court event's id; none for other court events. */
export function prosecutionCompletedBy(envelope: EventEnvelope): CompleteProsecution | undefined {
  switch (parseEventType(envelope.type)?.name) {
    case 'DefendantConvicted': {
      const data = envelope.data as DefendantConvicted['data'];
      return completion(envelope.id, data.caseId, data.defendantId, CONVICTION_OUTCOME[data.basis], data.convictedAt);
    }
    case 'DefendantAcquitted': {
      const data = envelope.data as DefendantAcquitted['data'];
      return completion(envelope.id, data.caseId, data.defendantId, ACQUITTAL_OUTCOME[data.basis], data.acquittedAt);
    }
    default:
      return undefined;
  }
}

function completion(courtEventId: string, caseId: string, defendantId: string, outcome: ProsecutionOutcome, completedAt: string): CompleteProsecution {
  return { type: 'CompleteProsecution', caseId, defendantId, outcome, completedAt, courtEventId };
}
