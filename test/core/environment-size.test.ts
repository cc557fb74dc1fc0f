import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { maxEnvironmentBytes } from '../../src/core/environment-size';

test('the environment is measured as Lambda does, one JSON object, with every reference at its longest', () => {
  const stack = new Stack(new App(), 'Env');
  const queue = new sqs.Queue(stack, 'Queue');
  const bucket = new s3.Bucket(stack, 'Bucket');
  const secret = new secretsmanager.Secret(stack, 'Secret');
  const environment = {
    PLAIN: 'a "quoted" value',
    QUEUE_URL: queue.queueUrl,
    BUCKET: bucket.bucketName,
    CONFIG: stack.toJsonString({ k: [secret.secretArn] }),
  };
  const longest = {
    queueUrl: `https://sqs.${'r'.repeat(16)}.${'u'.repeat(16)}/123456789012/${'q'.repeat(80)}`,
    bucket: 'b'.repeat(63),
    secretArn: `arn:${'p'.repeat(10)}:secretsmanager:${'r'.repeat(16)}:123456789012:secret:${stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret)}-a1b2c3d4e5f6-AbCdEf`,
  };
  const measured = JSON.stringify({
    PLAIN: environment.PLAIN,
    QUEUE_URL: longest.queueUrl,
    BUCKET: longest.bucket,
    CONFIG: JSON.stringify({ k: [longest.secretArn] }),
  }).length;
  expect(maxEnvironmentBytes(stack, environment)).toBe(measured);
});
