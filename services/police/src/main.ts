import 'reflect-metadata';
import { environment } from '@hc/config';
import { createAgencyApp, runService } from '@hc/service-kit';
import { POLICE_API } from './police.api';
import { PoliceModule } from './police.module';

export const createPoliceApp = () => createAgencyApp({ agency: 'police', module: PoliceModule, consumesUpstream: false, ...POLICE_API });

if (require.main === module) runService('police', createPoliceApp, environment().POLICE_PORT);
