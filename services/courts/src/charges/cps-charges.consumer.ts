import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { configuredTopics } from '@hc/config';
import type { PreChargeDecisionMade } from '@hc/contracts';
import { UpstreamConsumer } from '@hc/service-kit';
import { CasesService } from '../cases/cases.service';

/** Opens (or extends) the court case from a CPS decision to charge, with the flag the CPS holds. */
@Controller()
export class CpsChargesConsumer {
  constructor(
    private readonly upstream: UpstreamConsumer,
    private readonly cases: CasesService,
  ) {}

  @EventPattern(configuredTopics().cps)
  async onCpsEvent(@Payload() value: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.upstream.consume(value, context, async (envelope) => {
      if (!envelope.type.endsWith('.PreChargeDecisionMade')) return;
      const decision = envelope.data as PreChargeDecisionMade['data'];
      if (decision.decision !== 'charge') return;
      await this.cases.receiveFromCps(
        {
          type: 'ReceiveCaseFromCps',
          chargeEventId: envelope.id,
          receivedAt: envelope.time,
          charge: {
            caseId: decision.caseId,
            urn: decision.urn,
            defendantId: decision.defendantId,
            charges: decision.charges,
            cpsArea: decision.cpsArea,
            ...(decision.hateCrime ? { hateCrime: decision.hateCrime } : {}),
          },
        },
        { causationId: envelope.id, correlationId: envelope.correlationid, inboxMessageId: envelope.id },
      );
    });
  }
}
