import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { environment } from '@hc/config';
import { openDatabase } from '@hc/event-store';
import { HealthController } from '@hc/service-kit';
import { ProjectionRunner } from './consumer/projection.runner';
import { ProjectionSchema1763770000000 } from './migrations/1763770000000-projection-schema';
import { AnalyticsViews1763770000001 } from './migrations/1763770000001-analytics-views';
import { StatisticsController } from './statistics/statistics.controller';

export const PROJECTION_MIGRATIONS = [ProjectionSchema1763770000000, AnalyticsViews1763770000001];

@Module({
  controllers: [StatisticsController, HealthController],
  providers: [
    {
      provide: DataSource,
      useFactory: () => openDatabase({ url: environment().DATABASE_URL, schema: 'projection', migrations: PROJECTION_MIGRATIONS }),
    },
    ProjectionRunner,
  ],
})
export class ProjectionModule {}
