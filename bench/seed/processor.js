// Seed 000's processing handler (see README.md in this folder): one record at a time, S3 PUT then
// DynamoDB put, each awaited in turn.
const AWS = require('aws-sdk');
const { randomUUID: uuidv4 } = require('crypto');

const s3 = new AWS.S3(process.env.SEED_ENDPOINT_S3 ? { endpoint: process.env.SEED_ENDPOINT_S3, s3ForcePathStyle: true } : {});
const dynamodb = new AWS.DynamoDB.DocumentClient(process.env.SEED_ENDPOINT_DYNAMODB ? { endpoint: process.env.SEED_ENDPOINT_DYNAMODB } : {});

exports.handler = async (event) => {
  console.log('Processing SQS messages:', JSON.stringify(event, null, 2));

  const results = [];

  for (const record of event.Records) {
    try {
      const message = JSON.parse(record.body);
      const transactionId = uuidv4();

      console.log('Processing message:', message.correlationId);

      const s3Key = `webhooks/${message.provider}/${transactionId}.json`;

      await s3.putObject({
        Bucket: process.env.BUCKET_NAME,
        Key: s3Key,
        Body: JSON.stringify(message),
        ContentType: 'application/json',
        ServerSideEncryption: 'AES256',
      }).promise();

      await dynamodb.put({
        TableName: process.env.TABLE_NAME,
        Item: {
          transactionId,
          correlationId: message.correlationId,
          provider: message.provider,
          status: 'processed',
          s3Key,
          processedAt: new Date().toISOString(),
          createdAt: new Date().toISOString(),
        },
      }).promise();

      console.log('Successfully processed:', transactionId);
      results.push({ success: true, transactionId });
    } catch (error) {
      console.error('Error processing record:', error);
      results.push({ success: false, error: error.message });
    }
  }

  return {
    batchItemFailures: results
      .filter((r) => !r.success)
      .map((_, index) => ({ itemIdentifier: event.Records[index].messageId })),
  };
};
