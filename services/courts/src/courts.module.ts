import { Module } from '@nestjs/common';
import { eventStoreMigrations } from '@hc/event-store';
import { accessControlMigration, EventSourcingModule, HealthController, UpstreamConsumer } from '@hc/service-kit';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { CpsChargesConsumer } from './charges/cps-charges.consumer';

export const COURTS_MIGRATIONS = [...eventStoreMigrations('courts'), accessControlMigration('courts', 1763800000000)];

@Module({
  imports: [EventSourcingModule.forAgency({ agency: 'courts', migrations: COURTS_MIGRATIONS })],
  controllers: [CasesController, HealthController, CpsChargesConsumer],
  providers: [CasesService, UpstreamConsumer],
})
export class CourtsModule {}
