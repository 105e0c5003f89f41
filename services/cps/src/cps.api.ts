import type { HttpAppOptions } from '@hc/service-kit';

/** Title and description of the cps service's OpenAPI document, served at /docs and written to docs/openapi. */
export const CPS_API: HttpAppOptions = {
  title: 'CPS case events',
  description: 'Cases opened from police referrals with the hate crime flag carried; flag review, pre-charge decisions, special measures and prosecution outcomes.',
};
