'use strict';
/**
 * One Lambda execution environment: loads a handler bundle (the init phase) and runs the
 * invocations the parent sends over IPC, one at a time, answering each with its result or error.
 * Plain JavaScript so that a cold start costs what loading the bundle costs, nothing more.
 *
 * argv: <bundle file> <export name> <function name> <memory MiB> <timeout s>
 */
const { randomUUID } = require('node:crypto');

const [bundleFile, exportName, functionName, memoryMb, timeoutSeconds] = process.argv.slice(2);

const initStart = Date.now();
let handler;
let initError;
try {
  handler = require(bundleFile)[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${bundleFile} has no exported function '${exportName}'`), { name: 'Runtime.HandlerNotFound' });
  }
} catch (error) {
  initError = describeError(error);
}
process.send({ type: 'ready', initMs: Date.now() - initStart, initError });

process.on('message', (message) => {
  if (message.type === 'invoke') void invoke(message);
});

async function invoke({ id, event, requestId }) {
  if (initError) {
    process.send({ type: 'result', id, ok: false, error: initError });
    return;
  }
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: memoryMb,
    awsRequestId: requestId || randomUUID(),
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {}, fail() {}, succeed() {},
  };
  try {
    const value = await handler(event, context);
    // Lambda serialises the result as JSON: what cannot be serialised is an error, and
    // `undefined` becomes null.
    process.send({ type: 'result', id, ok: true, value: JSON.parse(JSON.stringify(value ?? null)) });
  } catch (error) {
    process.send({ type: 'result', id, ok: false, error: describeError(error) });
  }
}

function describeError(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, stack: String(error.stack || '').split('\n').slice(0, 6) };
  }
  return { errorType: 'Error', errorMessage: String(error) };
}
