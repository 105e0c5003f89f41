// Progressive enhancement only: govuk-frontend's components (error summary focus, details,
// skip link). Every page works without it.
import { initAll } from '../govuk-frontend.min.js';

initAll();
