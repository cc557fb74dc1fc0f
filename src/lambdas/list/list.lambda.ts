/**
 * GET /webhooks?provider=&from=&to=&type=&status=&limit=&cursor= (IAM-authorised): the records
 * of a time range from the `byProviderDate` index, newest day first and, within a day, provider
 * by provider, newest first; paged with an opaque cursor. 400 for a malformed query.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { requestOf, singleValues, type FrontDoorEvent } from '../../runtime/front-door-request';
import { errorResponse, jsonResponse } from '../../runtime/http';
import { encodeCursor, parseListingRequest, partitions, type ListingPosition } from '../../runtime/listing';
import { toPublicStatus, type PublicStatus } from '../../runtime/record';
import { logger, requiredEnv } from '../shared/powertools';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = requiredEnv('TABLE_NAME');
const indexName = requiredEnv('INDEX_NAME');
const providers = requiredEnv('PROVIDER_NAMES').split(',');
/** Partitions one request may read before it answers with what it has and a cursor. */
const MAX_QUERIES = 60;

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
  const keys = partitions(query);
  const items: PublicStatus[] = [];
  let position: ListingPosition | undefined = parsed.position;
  const unfinished = (p: ListingPosition | undefined): p is ListingPosition => p !== undefined && p.partition < keys.length;
  for (let queries = 0; unfinished(position) && items.length < query.limit && queries < MAX_QUERIES; queries++) {
    const providerDate: string = keys[position.partition];
    const filters = [
      ...(query.type !== undefined ? ['eventType = :type'] : []),
      ...(query.status !== undefined ? ['#status = :status'] : []),
    ];
    const response: QueryCommandOutput = await dynamo.send(new QueryCommand({
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
      Limit: query.limit - items.length,
      ...(position.lastKey ? { ExclusiveStartKey: position.lastKey } : {}),
    }));
    const provider = providerDate.slice(0, providerDate.lastIndexOf('#'));
    items.push(...(response.Items ?? []).map((item) => toPublicStatus({ ...item, provider })));
    position = response.LastEvaluatedKey
      ? { partition: position.partition, lastKey: response.LastEvaluatedKey }
      : { partition: position.partition + 1 };
  }
  return jsonResponse(200, { items, ...(unfinished(position) ? { cursor: encodeCursor(position, query) } : {}) });
}
