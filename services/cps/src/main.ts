import 'reflect-metadata';
import { environment } from '@hc/config';
import { createAgencyApp, runService } from '@hc/service-kit';
import { CPS_API } from './cps.api';
import { CpsModule } from './cps.module';

export const createCpsApp = () => createAgencyApp({ agency: 'cps', module: CpsModule, consumesUpstream: true, ...CPS_API });

if (require.main === module) runService('cps', createCpsApp, environment().CPS_PORT);
