import { Module } from '@nestjs/common';
import { eventStoreMigrations } from '@hc/event-store';
import { EventSourcingModule, HealthController } from '@hc/service-kit';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';

export const POLICE_MIGRATIONS = eventStoreMigrations('police');

@Module({
  imports: [EventSourcingModule.forAgency({ agency: 'police', migrations: POLICE_MIGRATIONS })],
  controllers: [CasesController, HealthController],
  providers: [CasesService],
})
export class PoliceModule {}
