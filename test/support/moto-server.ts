/**
 * A moto server (AWS emulator) in a child process, for the adapter tests and the simulator.
 * Runs the project's `.venv` Python (see scripts/setup-test-tools.sh) on a free loopback port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234 — give it to the SDK as `endpoint`. */
  readonly endpoint: string;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stops the server; safe to call twice. */
  stop(): Promise<void>;
}

export interface MotoServerOptions {
  /** Project root holding `.venv`; defaults to this repository. */
  root?: string;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
}

const HOST = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
const STDERR_TAIL_LINES = 30;
const PORT_ATTEMPTS = 3;

/**
 * `python -m moto.server -H <host> -p <port>`, plus a watchdog thread that exits when stdin closes,
 * i.e. when this Node process is gone for any reason (even SIGKILL), so no server is orphaned.
 */
const BOOTSTRAP = [
  'import os, sys, threading',
  'from moto.server import main',
  'def _watch():',
  '    while os.read(0, 4096):', // the raw fd: sys.stdin's lock would stall interpreter shutdown
  '        pass',
  '    os._exit(0)',
  'threading.Thread(target=_watch, daemon=True).start()',
  'main(sys.argv[1:])',
].join('\n');

export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const root = options.root ?? resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const python = resolve(root, '.venv/bin/python');
  if (!existsSync(python)) {
    throw new Error(`moto is not installed: ${python} is missing. Run \`npm run setup:test-tools\` first.`);
  }
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  let lastError: unknown;
  // A free port can be taken between our probe and moto's bind: try another one then.
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    try {
      return await startOn(python, await freePort(), timeoutMs);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) break;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

async function startOn(python: string, port: number, timeoutMs: number): Promise<MotoServer> {
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(python, ['-c', BOOTSTRAP, '-H', HOST, '-p', String(port)], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  const stderr = tail(child);
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let exited = child.exitCode !== null;
  const exitPromise = new Promise<void>((done) => {
    // 'close': the process has exited and its stderr is fully read.
    child.once('close', () => {
      exited = true;
      process.removeListener('exit', killOnExit);
      done();
    });
    child.once('error', () => {
      exited = true;
      process.removeListener('exit', killOnExit);
      done();
    });
  });

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exitPromise;
    clearTimeout(timer);
  };

  try {
    await waitUntilReady(endpoint, timeoutMs, () => exited);
  } catch (error) {
    await stop();
    const output = stderr();
    const why = `moto server on ${endpoint}: ${(error as Error).message}\n--- moto stderr (last lines) ---\n${output}`;
    throw output.includes('Address already in use') ? new PortTakenError(why) : new Error(why);
  }

  return {
    endpoint,
    reset: () => resetMoto(endpoint),
    stop,
  };
}

/** Forgets every resource of the moto server at `endpoint` (usable from test workers). */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

async function waitUntilReady(endpoint: string, timeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited()) throw new Error('exited before answering (if moto is missing: run `npm run setup:test-tools`)');
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`no answer after ${timeoutMs} ms (is moto installed? run \`npm run setup:test-tools\`)`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') done(address.port);
        else fail(new Error('no port'));
      });
    });
  });
}

/** Keeps the last lines of the child's stderr (werkzeug logs each request there) for errors. */
function tail(child: ChildProcess): () => string {
  const lines: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    lines.push(...chunk.split('\n').filter((line) => line !== ''));
    if (lines.length > STDERR_TAIL_LINES) lines.splice(0, lines.length - STDERR_TAIL_LINES);
  });
  return () => lines.join('\n');
}
