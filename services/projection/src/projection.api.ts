import type { HttpAppOptions } from '@hc/service-kit';

/** Title and description of the projection service's OpenAPI document, served at /docs and written to docs/openapi. */
export const PROJECTION_API: HttpAppOptions = {
  title: 'Hate crime statistics',
  description: 'Attrition, outcome, uplift and flag statistics, the flag audit and case timelines, built from the events of police, CPS and courts.',
};
