/**
 * GET /webhooks?provider=&from=&to=&type=&status=&limit=&cursor= (IAM-authorised): the records
 * of a time range from the `byProviderDate` index, newest day first and, within a day, provider
 * by provider, newest first (the provider-day's index shards read in parallel and merged); paged
 * with an opaque cursor. 400 for a malformed query.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { requestOf, singleValues, type FrontDoorEvent } from '../../runtime/front-door-request';
import { errorResponse, jsonResponse } from '../../runtime/http';
import { readMerged, type ShardQuery } from '../../runtime/index-shards';
import { encodeCursor, parseListingRequest, partitions, type ListingQuery } from '../../runtime/listing';
import { toPublicStatus } from '../../runtime/record';
import { logger, requiredEnv } from '../shared/logger';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = requiredEnv('TABLE_NAME');
const indexName = requiredEnv('INDEX_NAME');
const providers = requiredEnv('PROVIDER_NAMES').split(',');
/**
 * Queries one request may send before it answers with what it has and a cursor: a provider-day
 * is INDEX_SHARDS + 1 keys read in parallel, so this is a few rounds of a few provider-days.
 */
const MAX_QUERIES = 120;

/** Takes the event of any front door: REST API (1.0), HTTP API (2.0) or function URL. */
export async function handler(event: FrontDoorEvent, context?: Context): Promise<APIGatewayProxyResult> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  const request = requestOf(event);
  // A function URL answers every path and method: only GET /webhooks is this route.
  if (!request.routed && (request.method !== 'GET' || request.path.replace(/\/$/, '') !== '/webhooks')) {
    return errorResponse(404, 'not_found', 'This URL serves GET /webhooks only.');
  }
  const parsed = parseListingRequest(singleValues(request.query), providers, new Date());
  if (!parsed.ok) {
    return errorResponse(400, parsed.error, parsed.message);
  }
  const { query } = parsed;
  const all = partitions(query);
  const read = await readMerged({
    partitions: all, position: parsed.position, limit: query.limit, descending: true, maxQueries: MAX_QUERIES, query: queryKey(query),
  });
  const items = read.items.map((item) => {
    const providerDate = String(item.providerDate);
    return toPublicStatus({ ...item, provider: providerDate.slice(0, providerDate.indexOf('#')) });
  });
  return jsonResponse(200, { items, ...(read.position.partition < all.length ? { cursor: encodeCursor(read.position, query) } : {}) });
}

/** One page of one index key, newest first, with the listing's range and filters. */
function queryKey(query: ListingQuery): ShardQuery {
  const filters = [
    ...(query.type !== undefined ? ['eventType = :type'] : []),
    ...(query.status !== undefined ? ['#status = :status'] : []),
  ];
  return async (providerDate, startKey, limit) => {
    const response = await dynamo.send(new QueryCommand({
      TableName: tableName,
      IndexName: indexName,
      KeyConditionExpression: 'providerDate = :pd AND receivedAt BETWEEN :from AND :to',
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeValues: {
        ':pd': providerDate,
        ':from': query.from,
        ':to': query.to,
        ...(query.type !== undefined ? { ':type': query.type } : {}),
        ...(query.status !== undefined ? { ':status': query.status } : {}),
      },
      ...(query.status !== undefined ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ScanIndexForward: false,
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }));
    return { items: response.Items ?? [], ...(response.LastEvaluatedKey ? { lastKey: response.LastEvaluatedKey } : {}) };
  };
}
