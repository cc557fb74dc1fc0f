/**
 * Local Lambda functions: each execution environment is a child process (lambda-shim.js) that
 * loads the shipped bundle once (cold start) and handles one invocation at a time. Idle
 * environments are reused; new ones start while all are busy, up to the function's concurrency.
 * An invocation that outlives the function's timeout, or whose environment dies, is an error
 * and the environment is discarded, as Lambda does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trackChild } from '../cleanup';
import { stopChild } from '../emulators/emulators';

const SHIM = path.join(__dirname, 'lambda-shim.js');
const INIT_TIMEOUT_MS = 10_000;

export interface InvocationError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stack?: readonly string[];
}

export type InvocationResult =
  | { readonly ok: true; readonly value: unknown; readonly durationMs: number }
  | { readonly ok: false; readonly error: InvocationError; readonly durationMs: number };

export interface FunctionStats {
  coldStarts: number;
  invocations: number;
  errors: number;
  timeouts: number;
  /** Environments that died during an invocation. */
  crashes: number;
}

export interface LocalFunctionOptions {
  /** Name in logs and results, e.g. the bundle name `processor`. */
  readonly name: string;
  /** The CloudFormation-style function name (AWS_LAMBDA_FUNCTION_NAME). */
  readonly functionName: string;
  readonly bundleFile: string;
  readonly exportName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Most environments at once (reserved concurrency, or a local cap). */
  readonly maxInstances: number;
  /** The complete environment of the function's processes. */
  readonly environment: Readonly<Record<string, string>>;
  /** The functions' stdout and stderr (their JSON logs) are appended here. */
  readonly logFile: string;
}

export interface LocalFunction {
  readonly name: string;
  readonly stats: Readonly<FunctionStats>;
  invoke(event: unknown): Promise<InvocationResult>;
  /** SIGKILLs one environment that is running an invocation; false when none is. */
  killInFlight(): boolean;
  /** Number of environments currently running an invocation. */
  busyCount(): number;
  stop(): Promise<void>;
}

interface Instance {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy: boolean;
  /** An invocation has been sent and not answered. */
  inFlight: boolean;
  dead: boolean;
}

interface Pending {
  resolve(result: { ok: boolean; value?: unknown; error?: InvocationError }): void;
}

export function createLocalFunction(options: LocalFunctionOptions): LocalFunction {
  const instances: Instance[] = [];
  const waiters: Array<(instance: Instance) => void> = [];
  const pending = new Map<string, Pending>();
  const stats: FunctionStats = { coldStarts: 0, invocations: 0, errors: 0, timeouts: 0, crashes: 0 };
  const log = fs.createWriteStream(options.logFile, { flags: 'a' });
  let stopped = false;

  const startInstance = (): Instance => {
    stats.coldStarts++;
    const shimArgs = [options.bundleFile, options.exportName, options.functionName, String(options.memoryMb), String(options.timeoutSeconds)];
    const child = fork(SHIM, shimArgs, {
      env: { ...options.environment },
      // Lambda sizes the heap from the memory setting; ~90% leaves room for the runtime.
      execArgv: [`--max-old-space-size=${Math.floor(options.memoryMb * 0.9)}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    trackChild(child);
    // Written chunk by chunk rather than piped: dozens of short-lived environments share one log.
    child.stdout!.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
    const instance: Instance = {
      child,
      busy: true,
      inFlight: false,
      dead: false,
      ready: new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${options.name}: init took longer than ${INIT_TIMEOUT_MS} ms`)), INIT_TIMEOUT_MS);
        child.once('message', () => { clearTimeout(timer); resolve(); });
        child.once('exit', () => { clearTimeout(timer); reject(new Error(`${options.name}: environment exited during init`)); });
      }),
    };
    instance.ready.catch(() => undefined);
    child.on('message', (message: { type: string; id?: string; ok?: boolean; value?: unknown; error?: InvocationError }) => {
      if (message.type !== 'result' || message.id === undefined) return;
      pending.get(message.id)?.resolve({ ok: message.ok === true, value: message.value, error: message.error });
    });
    child.once('exit', () => {
      instance.dead = true;
      const index = instances.indexOf(instance);
      if (index !== -1) instances.splice(index, 1);
      // A waiting invocation may now start an environment of its own.
      if (waiters.length > 0 && !stopped) waiters.shift()!(startInstance());
    });
    instances.push(instance);
    return instance;
  };

  const acquire = (): Promise<Instance> => {
    const idle = instances.find((i) => !i.busy && !i.dead);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (instances.length < options.maxInstances) return Promise.resolve(startInstance());
    return new Promise((resolve) => waiters.push(resolve));
  };

  const release = (instance: Instance): void => {
    if (instance.dead) return;
    const next = waiters.shift();
    if (next) {
      next(instance);
    } else {
      instance.busy = false;
    }
  };

  const runOn = async (instance: Instance, event: unknown): Promise<{ ok: boolean; value?: unknown; error?: InvocationError }> => {
    await instance.ready;
    const id = randomUUID();
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: { ok: boolean; value?: unknown; error?: InvocationError }) => {
        if (settled) return;
        settled = true;
        instance.inFlight = false;
        clearTimeout(timer);
        instance.child.off('exit', onExit);
        pending.delete(id);
        resolve(result);
      };
      const onExit = (code: number | null, signal: string | null) => {
        stats.crashes++;
        settle({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${id} Error: Runtime exited ${signal ? `with signal: ${signal}` : `with error: exit status ${code}`}` } });
      };
      const timer = setTimeout(() => {
        stats.timeouts++;
        instance.child.off('exit', onExit);
        instance.child.kill('SIGKILL');
        settle({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after ${options.timeoutSeconds.toFixed(2)} seconds` } });
      }, options.timeoutSeconds * 1000);
      if (instance.dead) {
        onExit(instance.child.exitCode, instance.child.signalCode);
        return;
      }
      instance.child.once('exit', onExit);
      pending.set(id, { resolve: settle });
      instance.inFlight = true;
      instance.child.send({ type: 'invoke', id, requestId: id, event }, (error) => {
        if (error) onExit(instance.child.exitCode, instance.child.signalCode);
      });
    });
  };

  return {
    name: options.name,
    stats,
    async invoke(event: unknown): Promise<InvocationResult> {
      if (stopped) throw new Error(`${options.name} is stopped`);
      const started = Date.now();
      stats.invocations++;
      const instance = await acquire();
      let result: { ok: boolean; value?: unknown; error?: InvocationError };
      try {
        result = await runOn(instance, event);
      } catch (error) {
        result = { ok: false, error: { errorType: 'Runtime.InitError', errorMessage: (error as Error).message } };
      }
      release(instance);
      const durationMs = Date.now() - started;
      if (!result.ok) {
        stats.errors++;
        return { ok: false, error: result.error!, durationMs };
      }
      return { ok: true, value: result.value, durationMs };
    },
    killInFlight(): boolean {
      const victim = instances.find((i) => i.inFlight && !i.dead);
      if (!victim) return false;
      victim.child.kill('SIGKILL');
      return true;
    },
    busyCount: () => instances.filter((i) => i.busy && !i.dead).length,
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all(instances.map((i) => stopChild(i.child)));
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

/** The variables Lambda itself sets in every environment of a function. */
export function lambdaReservedEnvironment(options: {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly region: string;
  readonly handler: string;
  readonly runtime: string;
  readonly logFormat?: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}): Record<string, string> {
  return {
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${options.runtime}`,
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: 'local-session-token',
    _HANDLER: options.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    ...(options.logFormat ? { AWS_LAMBDA_LOG_FORMAT: options.logFormat } : {}),
  };
}
