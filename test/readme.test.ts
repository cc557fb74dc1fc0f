import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ts from 'typescript';
import { PayloadSchema, WebhookProcessor, WebhookProvider } from '../src';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The README's level-2 sections, in order. */
const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);

/** The fenced block right after each `<!-- example: path -->` marker. */
const examples = [...readme.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]] as const);

test('the README shows both example apps', () => {
  expect(examples.map(([path]) => path).sort()).toEqual(['examples/python/app.py', 'examples/typescript/app.ts']);
});

test.each(examples)('the README shows %s exactly as tested', (path, shown) => {
  expect(shown).toBe(readFileSync(join(root, path), 'utf8'));
});

test('the README has exactly two commands for a fresh clone: the demo and the full test suite', () => {
  const commands = [...readme.matchAll(/```sh\n(.*?)\n```/g)].map((m) => m[1]);
  expect(commands).toEqual(['npm ci && npx projen demo', 'npm ci && npx projen build']);
  expect(readFileSync(join(root, '.ci/run'), 'utf8')).toContain(`\n${commands[1]}\n`);
});

// The README is also the package's page on npm and PyPI (jsii's long description), where users
// come to install it: contributor steps go last, and PyPI renders no mermaid diagrams.
test('the README opens with Install and Usage; contributor steps come last, under Development', () => {
  expect(sections.slice(0, 2)).toEqual(['Install', 'Usage']);
  expect(sections[sections.length - 1]).toBe('Development');
  const development = readme.indexOf('\n## Development\n');
  for (const step of ['npm ci', 'npx projen demo', 'Java 17']) {
    expect(readme.indexOf(step)).toBeGreaterThan(development);
  }
});

test('the README has no mermaid diagram, which PyPI and npm cannot render', () => {
  expect(readme).not.toMatch(/```mermaid/);
});

test('the README states the minimum aws-cdk-lib (the peer dependency) and the supported cdk-nag majors', () => {
  const install = readme.slice(readme.indexOf('\n## Install\n'), readme.indexOf('\n## Usage\n'));
  const minimum = pkg.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
  expect(install).toContain(`| \`aws-cdk-lib\` | ${minimum} or later`);
  expect(install).toMatch(/\| cdk-nag \| majors 2 and 3 /);
});

describe('the replay table states the code\'s defaults', () => {
  const stack = new Stack(new App(), 'S');
  const secrets = [new secretsmanager.Secret(stack, 'Secret')];
  const windowOf = (provider: WebhookProvider) => provider._runtimeConfig(Duration.minutes(5), stack).replayWindowSeconds;
  const section = readme.slice(readme.indexOf('### Retries, conflicts and replays'));
  const shown = (label: string) => {
    const row = section.split('\n').find((line) => line.startsWith(`| ${label} |`));
    return row?.split('|').map((cell) => cell.trim())[4];
  };
  const described = (seconds: number | undefined) => (seconds === 7 * 86400 ? '7 days' : seconds === undefined ? 'off' : `${seconds} s`);

  test.each([
    ['Stripe', WebhookProvider.stripe({ secrets })],
    ['GitHub', WebhookProvider.github({ secrets })],
    ['Shopify', WebhookProvider.shopify({ secrets })],
    ['Slack', WebhookProvider.slack({ secrets })],
    ['Standard Webhooks, Svix', WebhookProvider.standardWebhooks({ secrets })],
    ['Shared key', WebhookProvider.apiKey({ name: 'k', secrets, header: 'X-Key' })],
  ])('%s', (label, provider) => {
    expect(shown(label)).toBe(described(windowOf(provider)));
  });

  test('Any HMAC', () => {
    const untimed = described(windowOf(WebhookProvider.hmac({ name: 'a', secrets, signatureHeader: 'X-Sig' })));
    const timed = described(windowOf(WebhookProvider.hmac({ name: 'b', secrets, signatureHeader: 'X-Sig', timestampHeader: 'X-Ts' })));
    expect(shown('Any HMAC, id from a header')).toBe(`${untimed} without \`timestampHeader\`, else ${timed}`);
  });
});

test('the payload validation example synthesizes: a layer of schemas for the processor, and its alarm', () => {
  const section = readme.slice(readme.indexOf('### Payload validation'), readme.indexOf('## How it is tested'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1];
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const stack = new Stack(new App(), 'Example');
  const stripeSecret = new secretsmanager.Secret(stack, 'StripeSecret');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('WebhookProcessor', 'WebhookProvider', 'PayloadSchema', 'stripeSecret', js).call(stack, WebhookProcessor, WebhookProvider, PayloadSchema, stripeSecret);
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'WebhooksInvalid' });
});

test('the internal senders example synthesizes: an IAM route to the queue, metered by a usage plan, granted to the role', () => {
  const section = readme.slice(readme.indexOf('### Internal senders'), readme.indexOf('### cdk-nag and checkov'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1];
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const stack = new Stack(new App(), 'Example');
  const stripeSecret = new secretsmanager.Secret(stack, 'StripeSecret');
  const billingServiceRole = new iam.Role(stack, 'BillingService', { assumedBy: new iam.AccountRootPrincipal() });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('WebhookProcessor', 'WebhookProvider', 'apigw', 'stripeSecret', 'billingServiceRole', js)
    .call(stack, WebhookProcessor, WebhookProvider, apigw, stripeSecret, billingServiceRole);
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::ApiGateway::Method', { AuthorizationType: 'AWS_IAM', ApiKeyRequired: true, Integration: Match.objectLike({ Type: 'AWS' }) });
  template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Quota: { Limit: 100000, Period: 'DAY' } });
  template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'execute-api:Invoke' })] } });
});

describe('the provider table is generated from the presets', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { providerTable } = require('../scripts/provider-table') as typeof import('../scripts/provider-table');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PRESETS } = require('../src/providers/presets') as typeof import('../src/providers/presets');

  test('the README shows the table exactly as generated (run `npx ts-node --project tsconfig.dev.json scripts/provider-table.ts`)', () => {
    expect(readme).toContain(providerTable());
  });

  test.each(PRESETS.map((p) => [p.factory]))('WebhookProvider.%s exists', (factory) => {
    expect(typeof (WebhookProvider as unknown as Record<string, unknown>)[factory]).toBe('function');
  });
});

test('the runbook has an entry for every alarm the construct can create', () => {
  const runbook = readme.slice(readme.indexOf('### Alarm → meaning → action'), readme.indexOf('### Redrive from the archive'));
  const stack = new Stack(new App(), 'Runbook');
  const secrets = [new secretsmanager.Secret(stack, 'Secret')];
  const processor = new WebhookProcessor(stack, 'Webhooks', {
    providers: [WebhookProvider.stripe({ secrets, schema: PayloadSchema.fromObject({ type: 'object' }) })],
  });
  processor.onWebhook('All');
  const ids = processor.alarms.map((alarm) => alarm.node.id);
  expect(ids).toEqual(expect.arrayContaining(['IngestErrorRate', 'Api5xxRate', 'SignatureRejectionRate-stripe', 'EventFailures', 'InvalidPayloads']));
  for (const id of ids) {
    const kind = id.replace(/^SignatureRejectionRate-.*$/, 'SignatureRejectionRate-<provider>').replace(/^[A-Za-z]+(Errors|ErrorRate)$/, '<Function>$1');
    expect(`${id}: ${runbook.includes(`\`${id}\``) || runbook.includes(`\`${kind}\``)}`).toBe(`${id}: true`);
  }
});
