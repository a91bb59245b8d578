// Starts GOV.UK Frontend's components (menus, error summaries, password
// reveal) on every page.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();
