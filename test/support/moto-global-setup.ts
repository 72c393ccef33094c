/**
 * vitest globalSetup of the `adapter` project: one moto server for the whole run. Tests read its
 * address with `inject('motoEndpoint')` and call `resetMoto(endpoint)` between tests.
 */
// Importing vitest's types makes the `declare module 'vitest'` augmentation below resolvable.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';

import { type MotoServer, startMotoServer } from './moto-server';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

let server: MotoServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  server = await startMotoServer();
  if (process.env.MOTO_TIMING) console.log(`moto server ready at ${server.endpoint} in ${Date.now() - started} ms`);
  project.provide('motoEndpoint', server.endpoint);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  server = undefined;
}
