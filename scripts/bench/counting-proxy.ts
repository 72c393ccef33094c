/**
 * A loopback HTTP proxy in front of moto that names and counts every AWS call passing through it, from
 * any SDK client of any bundle (Auto Scaling, DynamoDB, SSM, EventBridge, EC2, SQS...): what the deployed
 * handler really sends. A call is named service:Operation from the JSON protocols' X-Amz-Target, the
 * Query protocol's Action, or the smithy RPC v2 path; the service comes from the SigV4 credential scope.
 */
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface CountingProxy {
  endpoint: string;
  /** Calls since the last reset, in the order they arrived. */
  calls(): string[];
  /** Milliseconds spent waiting on moto since the last reset (calls in parallel counted each). */
  upstreamMs(): number;
  reset(): void;
  close(): Promise<void>;
}

export function callName(headers: IncomingMessage['headers'], path: string, body: string): string {
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown';
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return `${scope}:${target.slice(target.lastIndexOf('.') + 1)}`;
  const action = new URLSearchParams(body).get('Action');
  if (action) return `${scope}:${action}`;
  const rpc = /\/service\/[^/]+\/operation\/([^/?]+)/.exec(path)?.[1];
  return `${scope}:${rpc ?? `${headers[':method'] ?? 'HTTP'} ${path}`}`;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let seen: string[] = [];
  let waited = 0;
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push(callName(incoming.headers, incoming.url ?? '/', body.toString('utf8')));
      const sent = performance.now();
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          answer.on('end', () => {
            waited += performance.now() - sent;
          });
        },
      );
      forward.on('error', (error) => {
        outgoing.writeHead(502);
        outgoing.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: () => [...seen],
    upstreamMs: () => waited,
    reset: () => {
      seen = [];
      waited = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
