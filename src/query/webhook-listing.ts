import { Duration, type aws_lambda as lambda } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { ListFunction } from '../lambdas/list/list-function';
import { STATUS_INDEX, type WebhookStore } from '../store/webhook-store';

/** Properties of the listing of records. */
export interface WebhookListingProps {
  /** Settings shared by every function. */
  readonly functions: FunctionSettings;
  /** The table whose index it queries. */
  readonly store: WebhookStore;
  /** The providers' names: a listing without a provider reads each one's partitions. */
  readonly providerNames: string[];
}

/** The function behind `GET /webhooks`: records of a time range, by provider, type and status, paged. */
export class WebhookListing extends Construct {
  /** The function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: WebhookListingProps) {
    super(scope, id);
    const { functions, store } = props;
    const fn = new ListFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook listing function', functions),
      description: 'Answers GET /webhooks from the webhook table\'s by-provider index',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: {
        ...functions.metrics.environment(HandlerName.LIST),
        TABLE_NAME: store.table.tableName,
        INDEX_NAME: STATUS_INDEX,
        PROVIDER_NAMES: props.providerNames.join(','),
      },
    });
    allow(fn, ['dynamodb:Query'], `${store.table.tableArn}/index/${STATUS_INDEX}`);
    grantKey(fn, functions.encryptionKey, 'kms:Decrypt');
    this.function = fn;
    acceptFunctionFindings(fn, functions, false);
  }
}
