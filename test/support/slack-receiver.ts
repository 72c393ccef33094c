/**
 * A real HTTP server on 127.0.0.1 standing in for Slack's incoming webhook: it records what it
 * receives and answers from a script (status, headers, body — or never).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface SlackReceiver {
  url: string;
  /** Parsed JSON bodies received, in order. */
  received: { path: string; body: { text: string; blocks: unknown[] } }[];
  /** Answers, in order; once used up, the last one repeats. */
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

export async function startSlackReceiver(...replies: Reply[]): Promise<SlackReceiver> {
  let queue: Reply[] = replies.length ? replies : [{ status: 200, body: 'ok' }];
  const received: SlackReceiver['received'] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const reply = queue.length > 1 ? queue.shift()! : queue[0]!;
      if (reply === 'hang') {
        hanging.push(response);
        return;
      }
      response.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      response.end(reply.body ?? (reply.status === 200 ? 'ok' : 'error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret-token`,
    received,
    script: (...next) => {
      queue = next;
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL where nothing listens: a port that was just free. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/services/T000/B000/secret-token`;
}
