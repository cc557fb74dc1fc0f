/**
 * The logical ids of the construct's stateful resources are a promise to its users. CloudFormation
 * identifies a resource by its logical id: when one changes, it creates a new resource under the
 * new id and deletes (or, with RETAIN, orphans) the old one. For the table, the archive bucket,
 * the queues and the log groups, that is data loss in the user's account: records, raw deliveries,
 * webhooks waiting in the queue or the dead-letter queue, and logs.
 *
 * This test holds them against test/logical-ids.json. A change is never a refactoring detail:
 * if it is deliberate, regenerate the list with `UPDATE_LOGICAL_IDS=1 npx jest test/logical-ids.test.ts`
 * and say in the release notes what users must do (e.g. `overrideLogicalId` to keep the old id).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { allOptionsProps } from './fixtures';
import { WebhookProcessor, WebhookProcessorProps, WebhookProvider } from '../src';

const PINNED_FILE = join(__dirname, 'logical-ids.json');

/** Resource types whose replacement loses data. */
const STATEFUL_TYPES = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::Logs::LogGroup',
  'AWS::KMS::Key',
  'AWS::SNS::Topic',
  'AWS::Events::EventBus',
  'AWS::Events::Archive',
]);

type Pinned = Record<string, Record<string, Pin>>;

/** A stateful resource: its type and where it is in the construct tree. */
interface Pin {
  readonly type: string;
  readonly path: string;
}

/** `logical id → type and path` of every stateful resource the construct creates. */
export function statefulLogicalIds(props: (stack: Stack) => WebhookProcessorProps): Record<string, Pin> {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const webhooks = new WebhookProcessor(stack, 'Webhooks', props(stack));
  const ids: Record<string, Pin> = {};
  for (const resource of webhooks.node.findAll()) {
    if (resource instanceof CfnResource && STATEFUL_TYPES.has(resource.cfnResourceType)) {
      ids[stack.getLogicalId(resource)] = { type: resource.cfnResourceType, path: resource.node.path };
    }
  }
  return ids;
}

const CONFIGURATIONS: Record<string, (stack: Stack) => WebhookProcessorProps> = {
  default: (stack) => ({ providers: [WebhookProvider.stripe({ secrets: [new secretsmanager.Secret(stack, 'StripeSecret')] })] }),
  allOptions: allOptionsProps,
};

/**
 * Compares by logical id, which is what CloudFormation goes by (a construct may move in the tree
 * and keep its id with `overrideLogicalId`), and says what each difference would do.
 */
export function logicalIdChanges(pinned: Record<string, Pin>, actual: Record<string, Pin>): string[] {
  const changes: string[] = [];
  const added = Object.entries(actual).filter(([id]) => pinned[id] === undefined);
  for (const [id, pin] of Object.entries(pinned)) {
    const now = actual[id];
    if (now === undefined) {
      const successor = added.find(([, a]) => a.type === pin.type);
      changes.push(`${pin.type} ${id} (${pin.path}) is gone${successor ? `, and ${successor[0]} (${successor[1].path}) is new` : ''}: `
        + 'CloudFormation would create a new, empty resource and delete or orphan the old one with its data.');
    } else if (now.type !== pin.type) {
      changes.push(`${id} changed type from ${pin.type} to ${now.type}: CloudFormation would replace it.`);
    }
  }
  for (const [id, pin] of added) {
    changes.push(`${pin.type} ${id} (${pin.path}) is a new stateful resource: pin its logical id deliberately.`);
  }
  return changes;
}

describe('logical ids of stateful resources', () => {
  const actual = Object.fromEntries(Object.entries(CONFIGURATIONS).map(([name, props]) => [name, statefulLogicalIds(props)]));

  if (process.env.UPDATE_LOGICAL_IDS) {
    writeFileSync(PINNED_FILE, JSON.stringify(actual, undefined, 2) + '\n');
  }
  const pinned: Pinned = existsSync(PINNED_FILE) ? JSON.parse(readFileSync(PINNED_FILE, 'utf8')) : {};

  test.each(Object.keys(CONFIGURATIONS))('%s configuration: every stateful resource keeps its pinned logical id', (name) => {
    const changes = logicalIdChanges(pinned[name] ?? {}, actual[name]);
    if (changes.length > 0) {
      throw new Error([
        `Logical ids of stateful resources changed (${name} configuration):`,
        ...changes.map((c) => `- ${c}`),
        'Users would lose records, archived deliveries, queued webhooks or logs. If this is deliberate,',
        'run UPDATE_LOGICAL_IDS=1 npx jest test/logical-ids.test.ts and document the migration in the release notes.',
      ].join('\n'));
    }
  });

  test('the pinned lists cover the table, the archive, the three queues and every log group', () => {
    const types = Object.values(pinned.default ?? {}).map((pin) => pin.type);
    expect(types.sort()).toEqual([
      'AWS::DynamoDB::Table',
      ...Array(8).fill('AWS::Logs::LogGroup'),
      'AWS::S3::Bucket',
      // The webhook queue, its dead-letter queue and the archive-failure queue.
      'AWS::SQS::Queue', 'AWS::SQS::Queue', 'AWS::SQS::Queue',
    ]);
  });

  test('a renamed resource is reported as data loss', () => {
    const table = (path: string) => ({ type: 'AWS::DynamoDB::Table', path });
    const changes = logicalIdChanges({ WebhooksStoreTableOLD: table('Webhooks/Store/Table') }, { WebhooksStoreRecordsNEW: table('Webhooks/Store/Records') });
    expect(changes).toEqual([
      expect.stringMatching(/WebhooksStoreTableOLD .* is gone, and WebhooksStoreRecordsNEW .* is new: CloudFormation would create a new, empty resource/),
      expect.stringMatching(/WebhooksStoreRecordsNEW .* is a new stateful resource/),
    ]);
  });

  test('a resource that moves in the tree but keeps its logical id is no change', () => {
    expect(logicalIdChanges({ Id: { type: 'AWS::SQS::Queue', path: 'a/Queue' } }, { Id: { type: 'AWS::SQS::Queue', path: 'b/Queue' } })).toEqual([]);
  });
});
