'use strict';
/**
 * A rule target of the local app (template/app.ts): receives `Webhook Received` events from the
 * local bus, as EventBridge invokes a Lambda target (asynchronously, the event as the payload),
 * and logs what it got. Refuses anything that is not such an event, so a wrong shape is an error
 * in the bus's delivery log. Plain JavaScript: nothing to bundle.
 */
exports.handler = async (event) => {
  const detail = event && event.detail;
  if (event['detail-type'] !== 'Webhook Received' || typeof detail !== 'object' || typeof detail.id !== 'string') {
    throw new Error(`not a Webhook Received event: ${JSON.stringify(event).slice(0, 200)}`);
  }
  console.log(JSON.stringify({ level: 'INFO', message: 'webhook event received', eventId: event.id, webhookId: detail.id, type: detail.type }));
  return { webhookId: detail.id };
};
