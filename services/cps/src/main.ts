import 'reflect-metadata';
import { environment } from '@hc/config';
import { createAgencyApp, runService } from '@hc/service-kit';
import { CpsModule } from './cps.module';

export const createCpsApp = () =>
  createAgencyApp({
    agency: 'cps',
    module: CpsModule,
    consumesUpstream: true,
    title: 'CPS case events',
    description: 'Cases opened from police referrals with the hate crime flag carried; pre-charge decisions.',
  });

if (require.main === module) runService('cps', createCpsApp, environment().CPS_PORT);
