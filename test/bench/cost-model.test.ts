import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  billableLogBytes, claimCheckCosts, costPerMillion, dominant, fixedMonthly, fixedResourcesOf, HOURS_PER_MONTH, PRICE_TABLE, total, type Measured,
} from '../../bench/cost-model';
import { emptyCounts } from '../../bench/counting-proxy';
import { readAllRows, row } from '../../bench/results';

const measured = (overrides: Partial<Measured> = {}): Measured => ({
  webhooks: 10,
  counts: { ...emptyCounts(), sqsOtherRequests: 2, s3Puts: 1, dynamoWriteUnits: 20 },
  sqsRequests: 10,
  functions: { ingest: { invocations: 10, totalMs: 100, memoryMb: 1024, arm64: true, logBytes: 0 } },
  requestBytes: Array.from({ length: 10 }, () => 1000),
  ...overrides,
});

describe('cost model', () => {
  test('log bytes leave out the lines only a local run writes, and keep everything else', () => {
    const json = '{"level":"INFO","message":"webhook accepted"}\n';
    const queueUrlWarning = 'QueueUrl=http://127.0.0.1:46591/123456789012/Q differs from SQSClient resolved endpoint=http://127.0.0.1:37867/, using QueueUrl host as endpoint.\n'
      + 'Set [endpoint=string] or [useQueueUrlAsEndpoint=false] on the SQSClient.\n';
    const nodeWarning = '(node:27851) Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nversions published after the first week of January 2027\n'
      + 'will require node >=22. You are running node v20.20.2.\n\n(Use `node --trace-warnings ...` to show where the warning was created)\n';
    const pretty = 'Processing SQS messages: {\n  "Records": []\n}\n';
    expect(billableLogBytes(nodeWarning + json + queueUrlWarning + json + pretty)).toBe(2 * Buffer.byteLength(json) + Buffer.byteLength(pretty));
    expect(billableLogBytes('no newline at the end')).toBe(21);
    expect(billableLogBytes('')).toBe(0);
  });

  test('every price names its source page', () => {
    for (const price of Object.values(PRICE_TABLE.prices)) expect(price.source).toMatch(/^https:\/\//);
    for (const gateway of PRICE_TABLE.hostedGateways) expect(gateway.source).toMatch(/^https:\/\//);
  });

  test('with ordering the SQS requests cost the FIFO price; a web ACL adds its price per request; endpoint bytes their price per GB', () => {
    const sqs = (items: ReturnType<typeof costPerMillion>) => items.find((i) => i.name.startsWith('SQS requests'))!.usdPerMillion;
    const standard = costPerMillion(measured(), 'REST API');
    const options = costPerMillion(measured(), 'REST API', { fifo: true, waf: true, interfaceEndpointBytes: 10 * 1024 ** 3 / 1e6 });
    // 12 SQS requests for 10 webhooks: 1.2 million a million webhooks.
    expect(sqs(standard)).toBeCloseTo(1.2 * PRICE_TABLE.prices.sqsPerMillion.usd);
    expect(sqs(options)).toBeCloseTo(1.2 * PRICE_TABLE.prices.sqsFifoPerMillion.usd);
    expect(options.find((i) => i.name === 'WAF requests inspected')!.usdPerMillion).toBeCloseTo(PRICE_TABLE.prices.wafRequestsPerMillion.usd);
    // 10 GiB / 1e6 over 10 webhooks: 1 GiB a million webhooks.
    expect(options.find((i) => i.name.startsWith('VPC interface endpoints'))!.usdPerMillion).toBeCloseTo(PRICE_TABLE.prices.interfaceEndpointGb.usd);
    expect(standard.some((i) => i.name.startsWith('WAF') || i.name.startsWith('VPC'))).toBe(false);
  });

  test('fixed monthly costs come from the template: web ACLs and their rules, interface endpoints per subnet', () => {
    const resources = fixedResourcesOf({
      Resources: {
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}, {}, {}] } },
        Sqs: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] } },
        Events: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] } },
        S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway', RouteTableIds: ['r'] } },
        Table: { Type: 'AWS::DynamoDB::Table' },
      },
    });
    expect(resources).toEqual({ webAcls: 1, webAclRules: 4, interfaceEndpointAzs: 4 });
    const [waf, endpoints] = fixedMonthly(resources);
    expect(waf.usdPerMonth).toBeCloseTo(PRICE_TABLE.prices.wafWebAclMonth.usd + 4 * PRICE_TABLE.prices.wafRuleMonth.usd);
    expect(endpoints.usdPerMonth).toBeCloseTo(4 * HOURS_PER_MONTH * PRICE_TABLE.prices.interfaceEndpointAzHour.usd);
  });

  test('the REST API costs its price per million requests, a function URL nothing', () => {
    const rest = costPerMillion(measured(), 'REST API').find((i) => i.name.startsWith('front door'))!;
    const url = costPerMillion(measured(), 'function URL').find((i) => i.name.startsWith('front door'))!;
    expect(rest.usdPerMillion).toBeCloseTo(PRICE_TABLE.prices.restApiPerMillion.usd);
    expect(url.usdPerMillion).toBe(0);
  });

  test('an HTTP API request is metered in 512 KB increments', () => {
    const items = costPerMillion(measured({ requestBytes: Array.from({ length: 10 }, () => 600 * 1024) }), 'HTTP API');
    expect(items.find((i) => i.name.startsWith('front door'))!.usdPerMillion).toBeCloseTo(2 * PRICE_TABLE.prices.httpApiPerMillion.usd);
  });

  test('Lambda duration is GB-seconds at the architecture\'s price', () => {
    const items = costPerMillion(measured(), 'function URL');
    // 10 ms per webhook at 1 GB on arm64.
    expect(items.find((i) => i.name.startsWith('Lambda duration'))!.usdPerMillion).toBeCloseTo(1e6 * 0.01 * PRICE_TABLE.prices.lambdaGbSecondArm.usd);
  });

  test('SQS requests add those counted from the messages and the handlers\' other calls', () => {
    const sqs = costPerMillion(measured(), 'REST API').find((i) => i.name.startsWith('SQS'))!;
    expect(sqs.usdPerMillion).toBeCloseTo(1.2 * PRICE_TABLE.prices.sqsPerMillion.usd);
  });

  test('the dominant line item is the largest', () => {
    const items = costPerMillion(measured(), 'REST API');
    expect(dominant(items).usdPerMillion).toBe(Math.max(...items.map((i) => i.usdPerMillion)));
    expect(total(items)).toBeCloseTo(items.reduce((s, i) => s + i.usdPerMillion, 0));
  });

  test('inline is cheaper than a claim check up to SQS\'s 1 MiB, for bodies kept 57 days', () => {
    for (const kib of [64, 256, 512, 1008]) {
      const { inline, claimCheck } = claimCheckCosts(kib * 1024, kib * 768, 57);
      expect(inline).toBeLessThan(claimCheck);
    }
  });
});

describe('bench rows', () => {
  test('rows are read back from .bench/*.json; a malformed row names its file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rows-'));
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify([row('a', 'x', '1 ms', { ratio: 0.5, goal: '≤ 1×', met: true })]));
    expect(readAllRows(dir)).toEqual([{ bench: 'a', item: 'x', figure: '1 ms', ratio: 0.5, goal: '≤ 1×', met: true, note: null }]);
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify([{ bench: 'b', item: 'y' }]));
    expect(() => readAllRows(dir)).toThrow(/b\.json\[0\]: not a bench row/);
  });
});
