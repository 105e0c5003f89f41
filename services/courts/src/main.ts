import 'reflect-metadata';
import { environment } from '@hc/config';
import { createAgencyApp, runService } from '@hc/service-kit';
import { CourtsModule } from './courts.module';

export const createCourtsApp = () =>
  createAgencyApp({
    agency: 'courts',
    module: CourtsModule,
    consumesUpstream: true,
    title: 'Court case events',
    description: 'Court cases opened from CPS charges with the hate crime flag carried; convictions, sentences and uplift decisions.',
  });

if (require.main === module) runService('courts', createCourtsApp, environment().COURTS_PORT);
