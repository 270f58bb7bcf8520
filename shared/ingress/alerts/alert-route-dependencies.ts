import type { Policy } from '#shared/domain/policy.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';
import type { SubmitDependencies } from '#shared/use-cases/submit-request.ts';

/** What every alert route needs: the submit ports, the policy (profiles, mappings) and its settings. */
export interface AlertRouteDependencies extends SubmitDependencies {
  readonly policy: Policy;
  readonly alerts: AlertIngressSettings;
}
