/**
 * Makes sure every process and server the local pipeline starts is stopped, whichever way the
 * run ends: a normal stop, a failed test, an exception, Ctrl-C or SIGTERM.
 */
import type { ChildProcess } from 'node:child_process';

type Cleanup = () => Promise<void>;

const cleanups: Cleanup[] = [];
const children = new Set<ChildProcess>();
let signalsInstalled = false;
let interruptExitCode: number | undefined;

/** The exit code after Ctrl-C or SIGTERM once everything is stopped (a server stopped on purpose exits 0). */
export function setInterruptExitCode(code: number): void {
  interruptExitCode = code;
}

/** Registers an async cleanup; the returned function runs it now (once) and unregisters it. */
export function onCleanup(cleanup: Cleanup): () => Promise<void> {
  installSignalHandlers();
  let done: Promise<void> | undefined;
  const once = () => {
    done ??= cleanup();
    const i = cleanups.indexOf(once);
    if (i !== -1) cleanups.splice(i, 1);
    return done;
  };
  cleanups.push(once);
  return once;
}

/**
 * Tracks a child process so it is killed, synchronously, when this process exits without
 * having stopped it (an uncaught exception, or jest tearing down after a failure).
 */
export function trackChild(child: ChildProcess): void {
  installSignalHandlers();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Runs every registered cleanup, newest first, each bounded in time. */
export async function runCleanups(timeoutMs = 10_000): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups[cleanups.length - 1];
    await withTimeout(cleanup(), timeoutMs).catch(() => undefined);
    if (cleanups[cleanups.length - 1] === cleanup) cleanups.pop();
  }
}

function killRemainingChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  process.once('exit', killRemainingChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the local pipeline…\n`);
      void runCleanups(5_000).finally(() => {
        killRemainingChildren();
        process.stderr.write('stopped: every emulator, function and server of the local pipeline has exited.\n');
        process.exit(interruptExitCode ?? (signal === 'SIGINT' ? 130 : 143));
      });
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
