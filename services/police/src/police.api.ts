import type { HttpAppOptions } from '@hc/service-kit';

/** Title and description of the police service's OpenAPI document, served at /docs and written to docs/openapi. */
export const POLICE_API: HttpAppOptions = {
  title: 'Police case events',
  description: 'Record hate crimes with their flag and strands, identify suspects, assess victims\' needs, assign outcomes and refer cases to the CPS.',
};
