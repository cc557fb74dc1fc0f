import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { credentialsTreatedAsExpired, defaultProvider } from '../../src/lambdas/shared/env-credentials';

const VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_CREDENTIAL_SCOPE', 'AWS_ACCOUNT_ID'];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

beforeEach(() => {
  for (const name of VARIABLES) delete process.env[name];
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('reads the execution role\'s credentials from the environment, as Lambda sets them', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  process.env.AWS_SESSION_TOKEN = 'token';
  await expect(defaultProvider()()).resolves.toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
});

test('an SDK client takes it as its credential provider', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: defaultProvider() });
  await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });
});

test('says which variables are missing when they are not set', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  await expect(defaultProvider()()).rejects.toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/);
});

test('an expiration from the environment is kept and refreshed five minutes early', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  process.env.AWS_CREDENTIAL_EXPIRATION = new Date(Date.now() + 60_000).toISOString();
  const credentials = await defaultProvider()();
  expect(credentials.expiration).toBeInstanceOf(Date);
  expect(credentialsTreatedAsExpired(credentials)).toBe(true);
});
