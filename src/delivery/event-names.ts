/**
 * The source and detail type of the events the construct puts on the bus: shared by the rules
 * the construct writes (`onWebhook()`) and the publisher function that puts the events.
 */
export const EVENT_SOURCE = 'cdk-webhook-processor';
export const EVENT_DETAIL_TYPE = 'Webhook Received';
