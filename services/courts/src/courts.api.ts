import type { HttpAppOptions } from '@hc/service-kit';

/** Title and description of the courts service's OpenAPI document, served at /docs and written to docs/openapi. */
export const COURTS_API: HttpAppOptions = {
  title: 'Court case events',
  description: 'Court cases opened from CPS charges with the hate crime flag carried; listing, pleas, verdicts, sentences with the uplift decision per offence, and victims informed.',
};
