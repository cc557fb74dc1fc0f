// Seed 000's ingestion handler (see README.md in this folder): AWS SDK v2, pretty-printed event log.
const AWS = require('aws-sdk');
const { randomUUID: uuidv4 } = require('crypto');

const sqs = new AWS.SQS(process.env.SEED_ENDPOINT_SQS ? { endpoint: process.env.SEED_ENDPOINT_SQS } : {});

exports.handler = async (event) => {
  console.log('Received webhook:', JSON.stringify(event, null, 2));

  try {
    const correlationId = uuidv4();
    const provider = event.pathParameters?.provider || 'unknown';

    let payload;
    try {
      payload = typeof event.body === 'string' ? JSON.parse(event.body) : event.body;
    } catch (parseError) {
      console.error('Failed to parse webhook payload:', parseError);
      return {
        statusCode: 500,
        headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
        body: JSON.stringify({ error: 'Internal server error', correlationId }),
      };
    }

    const message = { correlationId, provider, payload, timestamp: new Date().toISOString(), headers: event.headers || {} };

    await sqs.sendMessage({
      QueueUrl: process.env.QUEUE_URL,
      MessageBody: JSON.stringify(message),
      MessageAttributes: {
        provider: { DataType: 'String', StringValue: provider },
        correlationId: { DataType: 'String', StringValue: correlationId },
      },
    }).promise();

    console.log('Message sent to SQS:', correlationId);

    return {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
      body: JSON.stringify({ message: 'Webhook received', correlationId }),
    };
  } catch (error) {
    console.error('Error processing webhook:', error);
    return {
      statusCode: 500,
      headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
      body: JSON.stringify({ error: 'Internal server error', correlationId: uuidv4() }),
    };
  }
};
