'use strict';
/**
 * A rule target of the local app (template/app.ts): receives `Webhook Received` events from the
 * local bus, as EventBridge invokes a Lambda target (asynchronously, the event as the payload),
 * and logs what it got. Refuses anything that is not such an event, so a wrong shape is an error
 * in the bus's delivery log. Plain JavaScript: nothing to bundle.
 *
 * A consumer that is down: while the file named by LOCAL_RECORDER_DOWN_FILE exists, every
 * invocation fails (the replay test's outage).
 */
const fs = require('node:fs');

exports.handler = async (event) => {
  const downFile = process.env.LOCAL_RECORDER_DOWN_FILE;
  if (downFile && fs.existsSync(downFile)) {
    throw new Error('the consumer is down (LOCAL_RECORDER_DOWN_FILE exists)');
  }
  const detail = event && event.detail;
  if (event['detail-type'] !== 'Webhook Received' || typeof detail !== 'object' || typeof detail.id !== 'string') {
    throw new Error(`not a Webhook Received event: ${JSON.stringify(event).slice(0, 200)}`);
  }
  console.log(JSON.stringify({ level: 'INFO', message: 'webhook event received', eventId: event.id, webhookId: detail.id, type: detail.type }));
  return { webhookId: detail.id };
};
