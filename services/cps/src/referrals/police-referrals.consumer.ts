import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { configuredTopics } from '@hc/config';
import type { CaseReferredToCps } from '@hc/contracts';
import { UpstreamConsumer } from '@hc/service-kit';
import { CasesService } from '../cases/cases.service';

/**
 * Opens the CPS case from the police referral event, with the flag and strands as the police
 * hold them: nobody re-keys the flag. Other police events are not the CPS's business.
 */
@Controller()
export class PoliceReferralsConsumer {
  constructor(
    private readonly upstream: UpstreamConsumer,
    private readonly cases: CasesService,
  ) {}

  @EventPattern(configuredTopics().police)
  async onPoliceEvent(@Payload() value: unknown, @Ctx() context: KafkaContext): Promise<void> {
    await this.upstream.consume(value, context, async (envelope) => {
      if (!envelope.type.endsWith('.CaseReferredToCps')) return;
      const referral = envelope.data as CaseReferredToCps['data'];
      await this.cases.react(
        { type: 'ReceiveCaseFromPolice', referralEventId: envelope.id, receivedAt: envelope.time, referral },
        { eventId: envelope.id, correlationId: envelope.correlationid },
      );
    });
  }
}
