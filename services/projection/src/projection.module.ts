import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { json, urlencoded } from 'express';
import { DataSource } from 'typeorm';
import { databaseUrlFor } from '@hc/config';
import { openDatabase } from '@hc/event-store';
import { AccessLog, accessControlMigration, accessGuards, HEALTH_INDICATOR, HealthController, rateLimitModule } from '@hc/service-kit';
import { ProjectionRunner } from './consumer/projection.runner';
import { DashboardController } from './dashboard/dashboard.controller';
import { DashboardSessions } from './dashboard/dashboard-sessions';
import { InspectionController } from './inspection/inspection.controller';
import { InspectionService } from './inspection/inspection.service';
import { StatusController } from './inspection/status.controller';
import { ProjectionSchema1763770000000 } from './migrations/1763770000000-projection-schema';
import { AnalyticsViews1763770000001 } from './migrations/1763770000001-analytics-views';
import { ReadModelV21763770000002 } from './migrations/1763770000002-read-model-v2';
import { StatisticsEverySlice1763770000003 } from './migrations/1763770000003-statistics-every-slice';
import { Scorecard1763770000006 } from './migrations/1763770000006-scorecard';
import { ScorecardController } from './scorecard/scorecard.controller';
import { ScorecardService } from './scorecard/scorecard.service';
import { InspectionSchema1763770000004 } from './migrations/1763770000004-inspection-schema';
import { DashboardSessions1763770000005 } from './migrations/1763770000005-dashboard-sessions';
import { StatisticsController } from './statistics/statistics.controller';
import { ReadModelVerification } from './read-model/verification';
import { StatisticsService } from './statistics/statistics.service';

export const PROJECTION_MIGRATIONS = [
  ProjectionSchema1763770000000,
  AnalyticsViews1763770000001,
  ReadModelV21763770000002,
  StatisticsEverySlice1763770000003,
  InspectionSchema1763770000004,
  DashboardSessions1763770000005,
  Scorecard1763770000006,
  accessControlMigration('projection', 1763800000000),
];

@Module({
  imports: [rateLimitModule()],
  controllers: [StatisticsController, InspectionController, StatusController, ScorecardController, HealthController, DashboardController],
  providers: [
    {
      provide: DataSource,
      useFactory: () => openDatabase({ url: databaseUrlFor('projection'), schema: 'projection', migrations: PROJECTION_MIGRATIONS }),
    },
    StatisticsService,
    InspectionService,
    ScorecardService,
    ProjectionRunner,
    // /health answers 503 while the consumer is stuck on a batch.
    { provide: HEALTH_INDICATOR, useExisting: ProjectionRunner },
    ReadModelVerification,
    AccessLog,
    DashboardSessions,
    ...accessGuards(),
  ],
})
export class ProjectionModule implements NestModule {
  /**
   * The app parses no body by default (bodyParser: false): the scorecard's framework scores are a
   * small JSON document, and the dashboard's forms, and only they, are urlencoded.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(json({ limit: '16kb' })).forRoutes(ScorecardController);
    consumer
      .apply(urlencoded({ extended: false, limit: '8kb' }))
      .forRoutes({ path: 'dashboard/sign-in', method: RequestMethod.POST }, { path: 'dashboard/sign-out', method: RequestMethod.POST });
  }
}
