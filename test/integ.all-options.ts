/**
 * integ-runner case: every WebhookProcessor prop set (test/fixtures.ts allOptionsProps). Snapshot
 * in integ.all-options.ts.snapshot/; `npx projen integ:update` rewrites it offline.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { allOptionsProps } from './fixtures';
import { WebhookProcessor } from '../src';

const app = new App();
const stack = new Stack(app, 'WebhookProcessorAllOptions');
new WebhookProcessor(stack, 'Webhooks', allOptionsProps(stack));

new IntegTest(app, 'AllOptionsTest', { testCases: [stack] });
