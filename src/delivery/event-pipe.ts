import {
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_pipes as pipes,
  type aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acceptPolicyFindings } from '../core/findings';

/** Properties of the pipe from new records to an event bus. */
export interface EventPipeProps {
  /** The record table; it must have a stream of new images. */
  readonly table: dynamodb.ITable;
  /** The archive, whose location each event names. */
  readonly bucket: s3.IBucket;
  /** The bus that receives the events. */
  readonly eventBus: events.IEventBus;
}

/**
 * An EventBridge Pipe from the table's stream to the bus: each inserted record becomes a
 * `Webhook Received` event. Duplicates never insert, so a retry never makes a second event.
 */
export class EventPipe extends Construct {
  /** The pipe. */
  public readonly pipe: pipes.CfnPipe;

  constructor(scope: Construct, id: string, props: EventPipeProps) {
    super(scope, id);
    const { table, bucket, eventBus } = props;
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com'),
      description: 'Reads new webhook records from the table stream and puts them on the event bus',
    });
    table.grantStreamRead(role);
    eventBus.grantPutEventsTo(role);
    const image = '$.dynamodb.NewImage';
    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      roleArn: role.roleArn,
      description: 'New webhook records to EventBridge',
      source: table.tableStreamArn!,
      sourceParameters: {
        dynamoDbStreamParameters: { startingPosition: 'LATEST', batchSize: 10 },
        // Inserts only: duplicates never write, and nothing else changes a record.
        filterCriteria: { filters: [{ pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      },
      target: eventBus.eventBusArn,
      targetParameters: {
        eventBridgeEventBusParameters: { source: 'cdk-webhook-processor', detailType: 'Webhook Received' },
        inputTemplate: [
          '{',
          `"id": "<${image}.id.S>",`,
          `"provider": "<${image}.provider.S>",`,
          `"type": "<${image}.eventType.S>",`,
          `"receivedAt": "<${image}.receivedAt.S>",`,
          `"archive": {"bucket": "${bucket.bucketName}", "key": "<${image}.archive.M.key.S>",`,
          `"offset": <${image}.archive.M.offset.N>, "length": <${image}.archive.M.length.N>}`,
          '}',
        ].join(' '),
      },
    });
    // The pipe checks its role's permissions when it is created (the role's policy is in its subtree).
    this.pipe.node.addDependency(role);

    acceptPolicyFindings(role, [{
      nag: 'AwsSolutions-IAM5',
      reason: 'The action dynamodb:ListStreams applies to all streams of the account by definition; the actions that read records are limited to the table\'s stream.',
      appliesTo: ['Resource::*'],
    }]);
  }
}
