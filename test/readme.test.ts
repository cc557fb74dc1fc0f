import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProvider } from '../src';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

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

describe('the replay table states the code\'s defaults', () => {
  const stack = new Stack(new App(), 'S');
  const secrets = [new secretsmanager.Secret(stack, 'Secret')];
  const windowOf = (provider: WebhookProvider) => provider._runtimeConfig(Duration.minutes(5)).replayWindowSeconds;
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
