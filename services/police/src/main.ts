import 'reflect-metadata';
import { environment } from '@hc/config';
import { createAgencyApp, runService } from '@hc/service-kit';
import { PoliceModule } from './police.module';

export const createPoliceApp = () =>
  createAgencyApp({
    agency: 'police',
    module: PoliceModule,
    consumesUpstream: false,
    title: 'Police case events',
    description: 'Record hate crimes with their flag and strands, identify suspects and refer cases to the CPS.',
  });

if (require.main === module) runService('police', createPoliceApp, environment().POLICE_PORT);
