import type { Policy } from '#shared/domain/policy.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { SubmitDependencies } from '#shared/use-cases/submit-request.ts';

/** What every alert route needs: the submit ports, the policy (profiles, mappings) and its settings. */
export interface AlertRouteDependencies extends SubmitDependencies {
  /** Also the fleet states (scale-in candidates, `scale-in-candidacy.ts`). */
  readonly store: RequestStore & FleetStateStore;
  readonly policy: Policy;
  readonly alerts: AlertIngressSettings;
}
