import type { FieldLocation } from '../providers/provider-config';

/**
 * Where a delivery's ordering key is: the entity whose webhooks must be processed in order (a
 * Stripe customer, a Shopify order). Deliveries with the same key are processed one at a time,
 * in the order the ingest queued them; deliveries with different keys never wait for each other.
 *
 * @example
 * OrderingKey.fromJsonPath('$.data.object.customer');
 * OrderingKey.fromHeader('X-Shopify-Order-Id');
 * OrderingKey.firstOf(OrderingKey.fromJsonPath('data.object.customer'), OrderingKey.fromJsonPath('data.object.id'));
 */
export class OrderingKey {
  /**
   * A dotted path into the JSON body (`data.object.customer`; a leading `$.` is allowed, array
   * elements by index: `items.0.id`; no wildcards or filters). A string or number there is the key.
   *
   * @param path the path, e.g. `$.data.object.customer`
   */
  public static fromJsonPath(path: string): OrderingKey {
    const dotted = path.startsWith('$.') ? path.slice(2) : path;
    return new OrderingKey([{ jsonPath: dotted }], [`fromJsonPath('${path}')`]);
  }

  /**
   * A request header (case-insensitive); its value is the key.
   *
   * @param name the header name, e.g. `X-Shopify-Order-Id`
   */
  public static fromHeader(name: string): OrderingKey {
    return new OrderingKey([{ header: name.toLowerCase() }], [`fromHeader('${name}')`]);
  }

  /**
   * The first of these keys that a delivery has, e.g. Stripe's `data.object.customer`, else
   * `data.object.id` (the customer itself in `customer.*` events).
   *
   * @param keys the keys, in order of preference
   */
  public static firstOf(...keys: OrderingKey[]): OrderingKey {
    return new OrderingKey(keys.flatMap((k) => k._locations), keys.flatMap((k) => k.descriptions));
  }

  /** @internal */
  public readonly _locations: FieldLocation[];
  private readonly descriptions: string[];

  private constructor(locations: FieldLocation[], descriptions: string[]) {
    this._locations = locations;
    this.descriptions = descriptions;
  }

  /** Why the key cannot be used, one message per problem (the prop path is added by the caller). @internal */
  public _problems(): string[] {
    const problems: string[] = [];
    if (this._locations.length === 0) problems.push('OrderingKey.firstOf() needs at least one key.');
    this._locations.forEach((location, i) => {
      const what = this.descriptions[i];
      if (location.jsonPath !== undefined && !/^[^.$*[\]?@()]+(\.[^.$*[\]?@()]+)*$/.test(location.jsonPath)) {
        problems.push(`${what} is not a dotted path (e.g. '$.data.object.customer' or 'items.0.id'; no wildcards, filters or brackets).`);
      }
      if (location.header !== undefined && !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(location.header)) {
        problems.push(`${what} is not a valid header name.`);
      }
    });
    return problems;
  }

  /** How the key reads in an error message. @internal */
  public _describe(): string {
    return this.descriptions.join(', then ');
  }
}

/**
 * Ordering: deliveries go on a FIFO queue (and FIFO dead-letter and archive-failure queues),
 * grouped by an ordering key per provider, and each group is processed one delivery at a time,
 * in the order the ingest queued them. See the README's "Ordering" for what this does and does
 * not guarantee.
 */
export interface WebhookOrderingOptions {
  /**
   * The ordering key of each provider, by provider `name`. A delivery without the key (or a
   * provider not listed) is grouped under its provider's name: in order with the rest of that
   * provider's keyless deliveries.
   *
   * @default - every provider's deliveries are grouped under its name (one group per provider:
   * order across all of a provider's deliveries, at one delivery at a time)
   */
  readonly keys?: { [providerName: string]: OrderingKey };

  /**
   * High throughput mode of the FIFO queues (`FifoThroughputLimit: perMessageGroupId`,
   * `DeduplicationScope: messageGroup`): the throughput quota applies per message group instead
   * of per queue (300 API calls per second without it).
   *
   * @default true
   */
  readonly highThroughput?: boolean;
}
