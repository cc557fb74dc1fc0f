import { Duration, type aws_lambda as lambda } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acceptFunctionFindings, allow, functionBase, grantKey, type FunctionSettings } from '../core/function-base';
import { HandlerName } from '../core/handler-metrics';
import { StatusFunction } from '../lambdas/status/status-function';
import type { WebhookStore } from '../store/webhook-store';

/** Properties of the read side of the records. */
export interface StatusQueryProps {
  /** Settings shared by every function. */
  readonly functions: FunctionSettings;
  /** The table it reads. */
  readonly store: WebhookStore;
}

/** The function behind `GET /status/{id}`: the public fields of one record. */
export class StatusQuery extends Construct {
  /** The function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: StatusQueryProps) {
    super(scope, id);
    const { functions, store } = props;
    const fn = new StatusFunction(this, 'Function', {
      ...functionBase(this, 'Execution role of the webhook status function', functions),
      description: 'Answers GET /status/{id} from the webhook table',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: {
        ...functions.metrics.environment(HandlerName.STATUS),
        TABLE_NAME: store.table.tableName,
      },
    });
    allow(fn, ['dynamodb:GetItem'], store.table.tableArn);
    grantKey(fn, functions.encryptionKey, 'kms:Decrypt');
    this.function = fn;
    acceptFunctionFindings(fn, functions, false);
  }
}
