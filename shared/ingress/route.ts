import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Dependencies } from '#shared/config/dependencies.ts';
import type { SourceSettings } from '#shared/config/source-dependencies.ts';

/** One route of the ingest function: method, path template and the handler that answers it. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
}

/** What the ingress routes take: the generic API's ports, the policy, each source's settings, and the source notifiers (Jira tells a ticket it cannot read). */
export type IngressDependencies = Pick<
  Dependencies,
  'store' | 'queue' | 'clock' | 'policy' | 'apiKeys' | 'settings' | 'alerts' | 'sourceNotifiers'
> &
  SourceSettings & {
    /** Read-only (the fleet view); absent where ingest was given no Tencent reader key. */
    readonly tencent?: Dependencies['tencent'];
  };
