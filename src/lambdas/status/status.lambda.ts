/**
 * GET /status/{id} (IAM-authorised): the public fields of a processed webhook's record.
 * 400 for a malformed id, 404 for an id with no record (unknown, or not processed yet).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { requestOf, type FrontDoorEvent } from '../../runtime/front-door-request';
import { errorResponse, jsonResponse } from '../../runtime/http';
import { isValidWebhookId } from '../../runtime/ids';
import { PUBLIC_ATTRIBUTE_NAMES, PUBLIC_ATTRIBUTES, toPublicStatus } from '../../runtime/record';
import { logger, requiredEnv } from '../shared/logger';

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = requiredEnv('TABLE_NAME');
const STATUS_ROUTE = '/status/{id}';

/** Takes the event of any front door: REST API (1.0), HTTP API (2.0) or function URL. */
export async function handler(event: FrontDoorEvent, context?: Context): Promise<APIGatewayProxyResult> {
  logger.resetKeys();
  if (context) logger.addContext(context);
  const request = requestOf(event, STATUS_ROUTE);
  // A function URL answers every path and method: only GET /status/{id} is this route.
  if (!request.routed && (request.method !== 'GET' || request.pathParameters.id === undefined)) {
    return errorResponse(404, 'not_found', 'This URL serves GET /status/{id} only.');
  }
  const id = decodePathParameter(request.pathParameters.id);
  if (!isValidWebhookId(id)) {
    return errorResponse(400, 'malformed_id', "The id is not a webhook id ('<provider>:<delivery id>').");
  }
  logger.appendKeys({ correlation_id: id });
  const { Item } = await dynamo.send(new GetCommand({
    TableName: tableName,
    Key: { id },
    ProjectionExpression: PUBLIC_ATTRIBUTES.join(', '),
    ExpressionAttributeNames: PUBLIC_ATTRIBUTE_NAMES,
  }));
  if (!Item) {
    return errorResponse(404, 'not_found', 'No processed webhook has this id (yet).');
  }
  return jsonResponse(200, toPublicStatus(Item));
}

/** API Gateway passes path parameters still percent-encoded when the client encoded them. */
function decodePathParameter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
