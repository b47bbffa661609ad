/** The form client lives with the smoke test (functions/cli) so both use one implementation. */
export { FormClient, findForm, type Page } from '../../functions/cli/form-client.ts';
