import type { HttpAppOptions } from '@hc/service-kit';

/** Title and description of the cps service's OpenAPI document, served at /docs and written to docs/openapi. */
export const CPS_API: HttpAppOptions = {
  title: 'CPS case events',
  description:
    'Cases opened from police referrals with the hate crime flag carried; the CPS review of the flag (confirmed, first applied, ' +
    'removed with a reason); pre-charge decisions per defendant that carry the flag to court; special measures; completed ' +
    'prosecutions, recorded from the court verdict for convictions and acquittals.',
};
