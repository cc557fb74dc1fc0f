/**
 * What a run of the cost bench counted, and what it costs per million webhooks at the prices in
 * bench/prices.json. Pure: no pipeline, so the arithmetic is unit-tested (test/bench/cost-model.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Counts } from './counting-proxy';

interface Price { readonly usd: number; readonly unit: string; readonly source: string }
interface HostedGateway { readonly name: string; readonly usdPerMillion: number | null; readonly unit: string; readonly source: string }
export interface PriceTable {
  readonly region: string;
  readonly checked: string;
  readonly prices: Readonly<Record<'restApiPerMillion' | 'httpApiPerMillion' | 'functionUrlPerMillion' | 'lambdaRequestsPerMillion' | 'lambdaGbSecondX86'
  | 'lambdaGbSecondArm' | 'sqsPerMillion' | 's3PutPerThousand' | 's3GetPerThousand' | 's3StorageGbMonth' | 'dynamoWritePerMillion' | 'dynamoReadPerMillion'
  | 'eventBridgePerMillion' | 'logsIngestGb' | 'secretsManagerPer10k' | 'sqsFifoPerMillion' | 'wafRequestsPerMillion' | 'wafWebAclMonth' | 'wafRuleMonth'
  | 'interfaceEndpointAzHour' | 'interfaceEndpointGb', Price>>;
  readonly hostedGateways: ReadonlyArray<HostedGateway>;
}

export const PRICE_TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, 'prices.json'), 'utf8')) as PriceTable;
export const PRICES = PRICE_TABLE.prices;
export type FrontDoor = 'REST API' | 'HTTP API' | 'function URL';

export interface FunctionUsage {
  invocations: number;
  /** Sum of the invocations' local durations (ms): an estimate of the billed duration. */
  totalMs: number;
  memoryMb: number;
  arm64: boolean;
  /** Bytes the function wrote to its log. */
  logBytes: number;
}

export interface Measured {
  readonly webhooks: number;
  readonly counts: Counts;
  /**
   * SQS requests counted from the messages (the SDKs send to the queue URL's host, past the
   * counting proxy): each message's send in 64 KB chunks, the event source's receives in 64 KB
   * chunks of the messages they return, one DeleteMessageBatch per batch.
   */
  readonly sqsRequests: number;
  readonly functions: Readonly<Record<string, FunctionUsage>>;
  /** Bytes of each webhook's request to the front door, for the HTTP API's 512 KB metering. */
  readonly requestBytes: readonly number[];
}

export interface LineItem {
  readonly name: string;
  readonly usdPerMillion: number;
}

const GB = 1024 ** 3;

/** What a configuration adds to the counted requests' prices (the all-options row). */
export interface CostOptions {
  /** The queue is FIFO (`ordering`): SQS requests at the FIFO price. */
  readonly fifo?: boolean;
  /** A web ACL inspects every request to the front door. */
  readonly waf?: boolean;
  /** Bytes the functions sent through interface VPC endpoints (`vpcEndpoints`), for the run's webhooks. */
  readonly interfaceEndpointBytes?: number;
}

/** Each line item per million webhooks. */
export function costPerMillion(m: Measured, frontDoor: FrontDoor, options: CostOptions = {}): LineItem[] {
  const perWebhook = (usd: number) => (usd / m.webhooks) * 1e6;
  const c = m.counts;
  const frontDoorUsd = frontDoor === 'REST API'
    ? m.requestBytes.length * PRICES.restApiPerMillion.usd / 1e6
    : frontDoor === 'HTTP API'
      ? m.requestBytes.reduce((sum, bytes) => sum + Math.max(1, Math.ceil(bytes / (512 * 1024))), 0) * PRICES.httpApiPerMillion.usd / 1e6
      : 0;
  const items: LineItem[] = [{ name: `front door (${frontDoor})`, usdPerMillion: perWebhook(frontDoorUsd) }];
  let requests = 0;
  let logBytes = 0;
  for (const [name, f] of Object.entries(m.functions)) {
    requests += f.invocations;
    logBytes += f.logBytes;
    const gbSeconds = (f.totalMs / 1000) * (f.memoryMb / 1024);
    const price = f.arm64 ? PRICES.lambdaGbSecondArm.usd : PRICES.lambdaGbSecondX86.usd;
    items.push({ name: `Lambda duration: ${name} (${f.memoryMb} MB${f.arm64 ? ', arm64' : ''})`, usdPerMillion: perWebhook(gbSeconds * price) });
  }
  items.push({ name: 'Lambda requests', usdPerMillion: perWebhook(requests * PRICES.lambdaRequestsPerMillion.usd / 1e6) });
  const sqsRequests = m.sqsRequests + c.sqsOtherRequests;
  const sqsPrice = options.fifo === true ? PRICES.sqsFifoPerMillion.usd : PRICES.sqsPerMillion.usd;
  items.push({ name: `SQS requests (64 KB chunks${options.fifo === true ? ', FIFO' : ''})`, usdPerMillion: perWebhook(sqsRequests * sqsPrice / 1e6) });
  items.push({ name: 'S3 requests', usdPerMillion: perWebhook((c.s3Puts + c.s3Lists) * PRICES.s3PutPerThousand.usd / 1000 + c.s3Gets * PRICES.s3GetPerThousand.usd / 1000) });
  items.push({ name: 'S3 storage, first month', usdPerMillion: perWebhook((c.s3BytesPut / GB) * PRICES.s3StorageGbMonth.usd) });
  items.push({ name: 'DynamoDB request units', usdPerMillion: perWebhook(c.dynamoWriteUnits * PRICES.dynamoWritePerMillion.usd / 1e6 + c.dynamoReadUnits * PRICES.dynamoReadPerMillion.usd / 1e6) });
  items.push({ name: 'EventBridge events (64 KB chunks)', usdPerMillion: perWebhook(c.eventBridgeChunks * PRICES.eventBridgePerMillion.usd / 1e6) });
  items.push({ name: 'CloudWatch Logs ingestion', usdPerMillion: perWebhook((logBytes / GB) * PRICES.logsIngestGb.usd) });
  items.push({ name: 'Secrets Manager calls', usdPerMillion: perWebhook(c.secretsManagerCalls * PRICES.secretsManagerPer10k.usd / 10_000) });
  if (options.waf === true) {
    items.push({ name: 'WAF requests inspected', usdPerMillion: perWebhook(m.requestBytes.length * PRICES.wafRequestsPerMillion.usd / 1e6) });
  }
  if (options.interfaceEndpointBytes !== undefined) {
    items.push({ name: 'VPC interface endpoints, data processed', usdPerMillion: perWebhook((options.interfaceEndpointBytes / GB) * PRICES.interfaceEndpointGb.usd) });
  }
  return items;
}

/** What a configuration costs a month whatever its traffic, from its synthesized template. */
export interface FixedResources {
  readonly webAcls: number;
  /** Rules and rule groups, over every web ACL. */
  readonly webAclRules: number;
  /** Interface endpoints times the Availability Zones (subnets) each is in. */
  readonly interfaceEndpointAzs: number;
}

/** Hours in a month, as AWS's pricing examples count them. */
export const HOURS_PER_MONTH = 730;

export interface MonthlyItem {
  readonly name: string;
  readonly usdPerMonth: number;
}

/** Monthly line items that do not scale with webhooks: web ACLs and their rules, interface endpoints. */
export function fixedMonthly(r: FixedResources): MonthlyItem[] {
  return [
    { name: 'WAF web ACL and rules', usdPerMonth: r.webAcls * PRICES.wafWebAclMonth.usd + r.webAclRules * PRICES.wafRuleMonth.usd },
    { name: 'VPC interface endpoints (per AZ-hour)', usdPerMonth: r.interfaceEndpointAzs * HOURS_PER_MONTH * PRICES.interfaceEndpointAzHour.usd },
  ];
}

export interface TemplateResources {
  readonly Resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>>;
}

/** Counts a template's fixed resources. */
export function fixedResourcesOf(template: TemplateResources): FixedResources {
  let webAcls = 0;
  let webAclRules = 0;
  let interfaceEndpointAzs = 0;
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type === 'AWS::WAFv2::WebACL') {
      webAcls++;
      webAclRules += ((resource.Properties?.Rules as unknown[] | undefined) ?? []).length;
    } else if (resource.Type === 'AWS::EC2::VPCEndpoint' && resource.Properties?.VpcEndpointType === 'Interface') {
      interfaceEndpointAzs += ((resource.Properties.SubnetIds as unknown[] | undefined) ?? []).length;
    }
  }
  return { webAcls, webAclRules, interfaceEndpointAzs };
}

export const total = (items: readonly LineItem[]) => items.reduce((sum, i) => sum + i.usdPerMillion, 0);
export const dominant = (items: readonly LineItem[]) => [...items].sort((a, b) => b.usdPerMillion - a.usdPerMillion)[0];

/**
 * Lines in a local function log that AWS would not ingest, because only the local run produces
 * them: the AWS SDK's warning that the queue URL's host differs from the configured endpoint
 * (the counting proxy is the endpoint; on AWS the queue URL's host is the endpoint) and Node.js's
 * warning that the SDK will need a newer Node.js (the functions run here on an older Node.js than
 * the runtime they declare). Each is recognised by its exact wording.
 */
const LOCAL_ONLY_LINES: readonly RegExp[] = [
  /^QueueUrl=\S+ differs from SQSClient resolved endpoint=\S+, using QueueUrl host as endpoint\.$/,
  /^Set \[endpoint=string\] or \[useQueueUrlAsEndpoint=false\] on the SQSClient\.$/,
];
const NODE_WARNING_START = /^\(node:\d+\) Warning: NodeVersionSupportWarning: /;
const NODE_WARNING_END = /^\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)$/;

/** Bytes of a function's log that CloudWatch Logs would ingest: the log less the local-only lines. */
export function billableLogBytes(log: string): number {
  let bytes = 0;
  let inNodeWarning = false;
  const lines = log.split('\n');
  lines.forEach((line, i) => {
    // Every line but the last piece ends with a newline.
    const size = Buffer.byteLength(line) + (i < lines.length - 1 ? 1 : 0);
    if (inNodeWarning) {
      if (NODE_WARNING_END.test(line)) inNodeWarning = false;
    } else if (NODE_WARNING_START.test(line)) {
      inNodeWarning = true;
    } else if (!LOCAL_ONLY_LINES.some((r) => r.test(line))) {
      bytes += size;
    }
  });
  return bytes;
}

/**
 * The claim check's break-even: per million webhooks, what a message of `messageBytes` costs
 * inline in SQS (64 KB chunks on the send and on the receive) against storing its body in S3
 * (PUT + GET, plus storage for `storageDays`) and queueing a reference of one chunk.
 */
export function claimCheckCosts(messageBytes: number, bodyBytes: number, storageDays: number): { inline: number; claimCheck: number } {
  const chunk = 64 * 1024;
  const inlineChunks = 2 * Math.max(1, Math.ceil(messageBytes / chunk));
  const inline = inlineChunks * PRICES.sqsPerMillion.usd;
  const s3 = 1e6 * (PRICES.s3PutPerThousand.usd / 1000 + PRICES.s3GetPerThousand.usd / 1000);
  const storage = 1e6 * (bodyBytes / GB) * PRICES.s3StorageGbMonth.usd * (storageDays / 30.4375);
  return { inline, claimCheck: 2 * PRICES.sqsPerMillion.usd + s3 + storage };
}
