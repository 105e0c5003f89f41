import { Module } from '@nestjs/common';
import { eventStoreMigrations } from '@hc/event-store';
import { accessControlMigration, EventSourcingModule, HealthController } from '@hc/service-kit';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { PeopleController } from './people/people.controller';
import { PolicePersonalData1763790000000 } from './people/people.migration';
import { PeopleService } from './people/people.service';

export const POLICE_MIGRATIONS = [
  ...eventStoreMigrations('police'),
  PolicePersonalData1763790000000,
  accessControlMigration('police', 1763800000000),
];

@Module({
  imports: [EventSourcingModule.forAgency({ agency: 'police', migrations: POLICE_MIGRATIONS })],
  controllers: [CasesController, PeopleController, HealthController],
  providers: [CasesService, PeopleService],
})
export class PoliceModule {}
