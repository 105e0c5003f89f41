import { Module } from '@nestjs/common';
import { eventStoreMigrations } from '@hc/event-store';
import { accessControlMigration, EventSourcingModule, HealthController, UpstreamConsumer } from '@hc/service-kit';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { CourtResultsConsumer } from './court-results/court-results.consumer';
import { PoliceReferralsConsumer } from './referrals/police-referrals.consumer';

export const CPS_MIGRATIONS = [...eventStoreMigrations('cps'), accessControlMigration('cps', 1763800000000)];

@Module({
  imports: [EventSourcingModule.forAgency({ agency: 'cps', migrations: CPS_MIGRATIONS })],
  controllers: [CasesController, HealthController, PoliceReferralsConsumer, CourtResultsConsumer],
  providers: [CasesService, UpstreamConsumer],
})
export class CpsModule {}
