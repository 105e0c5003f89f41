import 'reflect-metadata';
import { environment } from '@hc/config';
import { createAgencyApp, runService } from '@hc/service-kit';
import { COURTS_API } from './courts.api';
import { CourtsModule } from './courts.module';

export const createCourtsApp = () => createAgencyApp({ agency: 'courts', module: CourtsModule, consumesUpstream: true, ...COURTS_API });

if (require.main === module) runService('courts', createCourtsApp, environment().COURTS_PORT);
