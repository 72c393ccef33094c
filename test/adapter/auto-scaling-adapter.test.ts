/**
 * The Auto Scaling adapter against moto 5.2.5 (one server per run, reset before each test), plus
 * the error mapping against SDK-shaped errors that moto cannot produce (aws-sdk-client-mock and a
 * tiny loopback server answering like Auto Scaling does).
 *
 * moto 5.2.5 gaps seen here (checked against its source, moto/autoscaling/{models,responses}.py):
 * - SetDesiredCapacity, CreateOrUpdateTags and DeleteTags on a missing group answer HTTP 500 (a
 *   Python KeyError), not AWS's ValidationError: GroupNotFoundError is tested on
 *   UpdateAutoScalingGroup against moto and on the other calls with mocked AWS errors.
 * - DescribeScalingActivities always answers an empty list.
 * - SetDesiredCapacity above MaxSize is accepted (AWS answers ValidationError).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  AutoScalingClient,
  AutoScalingServiceException,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  ResourceContentionFault,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';

import { createAutoScalingAdapter } from '../../lib/aws/auto-scaling-adapter';
import { createAutoScalingClient } from '../../lib/aws/clients';
import { GroupNotFoundError, TransientAwsError } from '../../lib/vocabulary/errors';
import type { AutoScalingPort } from '../../lib/ports/auto-scaling';
import { resetMoto } from '../support/moto-server';
import { clusterTags, motoAutoScalingClient, motoClientConfig, MotoWorld, REGION, ZONE } from '../support/moto-world';

const endpoint = inject('motoEndpoint');

const names = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

/** Records the input of every command the client sends. */
function recordCalls(client: AutoScalingClient): Array<{ command: string; input: Record<string, unknown> }> {
  const calls: Array<{ command: string; input: Record<string, unknown> }> = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({ command: context.commandName ?? '?', input: { ...(args.input as Record<string, unknown>) } });
      return next(args);
    },
    { step: 'initialize', name: 'recordCallsForTest' },
  );
  return calls;
}

describe('auto-scaling adapter against moto', () => {
  let world: MotoWorld;
  let client: AutoScalingClient;
  let calls: ReturnType<typeof recordCalls>;
  let adapter: AutoScalingPort;

  beforeEach(async () => {
    await resetMoto(endpoint);
    world = new MotoWorld(motoAutoScalingClient(endpoint));
    client = motoAutoScalingClient(endpoint);
    calls = recordCalls(client);
    adapter = createAutoScalingAdapter(client);
  });

  afterEach(() => {
    world.client.destroy();
    client.destroy();
  });

  describe('describeGroups', () => {
    it('finds exactly the enabled groups of the given clusters, across pages', async () => {
      // Prepare: 130 groups of cluster a (more than one page of 100), 3 of b, 2 of c, and groups
      // that must not match: cluster tag without the enabled tag, enabled=false, enabled only.
      const clusterA = names('spot-nodes-a', 130);
      const clusterB = names('on-demand-b', 3);
      await world.groups(clusterA, { tags: clusterTags('a') });
      await world.groups(clusterB, { tags: clusterTags('b', 'true') });
      await world.groups(names('spot-nodes-c', 2), { tags: clusterTags('c') });
      await world.group('both-a-and-b', { tags: { ...clusterTags('a'), ...clusterTags('b') } });
      await world.group('a-not-enabled', { tags: { 'k8s.io/cluster-autoscaler/a': 'owned' } });
      await world.group('a-enabled-false', {
        tags: { ...clusterTags('a'), 'k8s.io/cluster-autoscaler/enabled': 'false' },
      });
      await world.group('enabled-only', { tags: { 'k8s.io/cluster-autoscaler/enabled': 'true' } });
      await world.group('untagged');

      // Act
      const found = await adapter.describeGroups(['a', 'b']);

      // Assess: the exact set, each group once, in two requests (the second with NextToken).
      const foundNames = found.map((g) => g.name).sort();
      expect(foundNames).toEqual([...clusterA, ...clusterB, 'both-a-and-b'].sort());
      expect(new Set(foundNames).size).toBe(foundNames.length);
      const describes = calls.filter((c) => c.command === 'DescribeAutoScalingGroupsCommand');
      expect(describes).toHaveLength(2);
      expect(describes[0]?.input).toEqual({
        Filters: [
          { Name: 'tag:k8s.io/cluster-autoscaler/enabled', Values: ['true'] },
          { Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/a', 'k8s.io/cluster-autoscaler/b'] },
        ],
        MaxRecords: 100,
      });
      expect(describes[1]?.input.NextToken).toEqual(expect.any(String));
    }, 60_000);

    it('matches one cluster alone and nothing for an unknown cluster', async () => {
      // Prepare
      await world.group('spot-nodes-a', { tags: clusterTags('a') });
      await world.group('spot-nodes-c', { tags: clusterTags('c') });

      // Act
      const onlyC = await adapter.describeGroups(['c']);
      const unknown = await adapter.describeGroups(['zzz']);

      // Assess
      expect(onlyC.map((g) => g.name)).toEqual(['spot-nodes-c']);
      expect(unknown).toEqual([]);
    });

    it('maps sizes, tags, zones and instances', async () => {
      // Prepare: moto launches the desired instances at once.
      await world.group('spot-nodes-map', {
        tags: { ...clusterTags('a'), team: 'payments' },
        minSize: 1,
        maxSize: 4,
        desiredCapacity: 2,
      });

      // Act
      const [group, ...rest] = await adapter.describeGroups(['a']);

      // Assess
      expect(rest).toEqual([]);
      expect(group).toMatchObject({
        name: 'spot-nodes-map',
        minSize: 1,
        maxSize: 4,
        desiredCapacity: 2,
        tags: { ...clusterTags('a'), team: 'payments' },
        availabilityZones: [ZONE],
      });
      expect(new Date(group?.createdTime ?? '').toISOString()).toBe(group?.createdTime);
      expect(group?.instances).toHaveLength(2);
      for (const instance of group?.instances ?? []) {
        expect(instance).toEqual({
          instanceId: expect.stringMatching(/^i-/),
          lifecycleState: 'InService',
          availabilityZone: ZONE,
          instanceType: 'm5.large',
          healthStatus: 'Healthy',
        });
      }
    });

    it('makes no call for no cluster', async () => {
      // Act
      const found = await adapter.describeGroups([]);

      // Assess
      expect(found).toEqual([]);
      expect(calls).toEqual([]);
    });
  });

  describe('sizes', () => {
    it('updateSizes changes only the given sizes', async () => {
      // Prepare
      await world.group('spot-nodes-1', { minSize: 0, maxSize: 3, desiredCapacity: 1 });

      // Act
      await adapter.updateSizes('spot-nodes-1', { maxSize: 6 });
      const afterMax = await world.raw('spot-nodes-1');
      await adapter.updateSizes('spot-nodes-1', { desiredCapacity: 2, minSize: 1 });
      const afterBoth = await world.raw('spot-nodes-1');

      // Assess
      expect([afterMax.MinSize, afterMax.MaxSize, afterMax.DesiredCapacity]).toEqual([0, 6, 1]);
      expect([afterBoth.MinSize, afterBoth.MaxSize, afterBoth.DesiredCapacity]).toEqual([1, 6, 2]);
      const updates = calls.filter((c) => c.command === 'UpdateAutoScalingGroupCommand').map((c) => c.input);
      expect(updates).toEqual([
        { AutoScalingGroupName: 'spot-nodes-1', MaxSize: 6 },
        { AutoScalingGroupName: 'spot-nodes-1', MinSize: 1, DesiredCapacity: 2 },
      ]);
    });

    it('updateSizes with no size makes no call', async () => {
      // Act
      await adapter.updateSizes('spot-nodes-1', {});

      // Assess
      expect(calls).toEqual([]);
    });

    it('setDesiredCapacity sets the desired capacity without honouring the cooldown', async () => {
      // Prepare
      await world.group('spot-nodes-1', { minSize: 0, maxSize: 3, desiredCapacity: 0 });

      // Act
      await adapter.setDesiredCapacity('spot-nodes-1', 3);

      // Assess
      const group = await world.raw('spot-nodes-1');
      expect(group.DesiredCapacity).toBe(3);
      expect(group.Instances).toHaveLength(3);
      expect(calls.at(-1)?.input).toEqual({
        AutoScalingGroupName: 'spot-nodes-1',
        DesiredCapacity: 3,
        HonorCooldown: false,
      });
    });
  });

  describe('tags', () => {
    it('putTags adds and overwrites without propagation, deleteTags removes, other tags untouched', async () => {
      // Prepare
      await world.group('spot-nodes-1', {
        tags: { ...clusterTags('a'), team: 'payments', 'capacity-guard/state': 'old' },
      });

      // Act
      await adapter.putTags('spot-nodes-1', { 'capacity-guard/state': 'parked', 'capacity-guard/since': '2025-01-01' });
      const afterPut = await world.raw('spot-nodes-1');
      await adapter.deleteTags('spot-nodes-1', ['capacity-guard/state', 'capacity-guard/since', 'never-there']);
      const afterDelete = await world.tags('spot-nodes-1');

      // Assess
      const tagsAfterPut = Object.fromEntries((afterPut.Tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tagsAfterPut).toEqual({
        ...clusterTags('a'),
        team: 'payments',
        'capacity-guard/state': 'parked',
        'capacity-guard/since': '2025-01-01',
      });
      const ours = (afterPut.Tags ?? []).filter((t) => t.Key?.startsWith('capacity-guard/'));
      expect(ours.map((t) => t.PropagateAtLaunch)).toEqual([false, false]);
      expect(afterDelete).toEqual({ ...clusterTags('a'), team: 'payments' });
      expect(calls.filter((c) => c.command === 'CreateOrUpdateTagsCommand')).toHaveLength(1);
      expect(calls.filter((c) => c.command === 'DeleteTagsCommand')).toHaveLength(1);
    });

    it('makes no call for no tag', async () => {
      // Act
      await adapter.putTags('spot-nodes-1', {});
      await adapter.deleteTags('spot-nodes-1', []);

      // Assess
      expect(calls).toEqual([]);
    });
  });

  describe('missing group', () => {
    it('updateSizes throws GroupNotFoundError with the ValidationError as cause', async () => {
      // Act
      const error = await adapter.updateSizes('ghost', { maxSize: 1 }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(GroupNotFoundError);
      expect((error as GroupNotFoundError).groupName).toBe('ghost');
      expect((error as GroupNotFoundError).cause).toMatchObject({ name: 'ValidationError' });
    });

    it('moto gap: putTags, deleteTags and setDesiredCapacity on a missing group fail, but with HTTP 500', async () => {
      // moto 5.2.5 raises a KeyError there (HTTP 500 HTML page); AWS answers a ValidationError
      // that the adapter maps to GroupNotFoundError (see the mocked tests below). One attempt,
      // so the SDK does not retry the 500s.
      const noRetry = createAutoScalingAdapter(motoAutoScalingClient(endpoint, { maxAttempts: 1 }));

      // Act / Assess
      await expect(noRetry.putTags('ghost', { k: 'v' })).rejects.toThrow();
      await expect(noRetry.deleteTags('ghost', ['k'])).rejects.toThrow();
      await expect(noRetry.setDesiredCapacity('ghost', 1)).rejects.toThrow();
    });
  });

  describe('scalingActivities', () => {
    it('returns a list (moto 5.2.5 always answers none)', async () => {
      // Prepare: moto records no activity even when it launches instances.
      await world.group('spot-nodes-1', { desiredCapacity: 1 });

      // Act
      const activities = await adapter.scalingActivities('spot-nodes-1', new Date(0));

      // Assess
      expect(activities).toEqual([]);
      expect(calls.at(-1)).toEqual({
        command: 'DescribeScalingActivitiesCommand',
        input: { AutoScalingGroupName: 'spot-nodes-1', MaxRecords: 100 },
      });
    });
  });

  describe('abortSignal', () => {
    it('an already aborted signal rejects the call and changes nothing', async () => {
      // Prepare
      await world.group('spot-nodes-1', { tags: clusterTags('a'), maxSize: 3 });
      const aborted = AbortSignal.abort();

      // Act
      const discovery = adapter.describeGroups(['a'], { abortSignal: aborted });
      const update = adapter.updateSizes('spot-nodes-1', { maxSize: 9 }, { abortSignal: aborted });

      // Assess
      await expect(discovery).rejects.toMatchObject({ name: 'AbortError' });
      await expect(update).rejects.toMatchObject({ name: 'AbortError' });
      expect((await world.raw('spot-nodes-1')).MaxSize).toBe(3);
    });
  });

  describe('createAutoScalingClient', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it.each(['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_AUTO_SCALING'])('reaches moto through %s, with adaptive retry and 5 attempts', async (variable) => {
      // Prepare: the Lambda's view of the world, configured by environment only.
      await world.group('spot-nodes-env', { tags: clusterTags('a') });
      vi.stubEnv('AWS_ENDPOINT_URL', undefined);
      vi.stubEnv('AWS_ENDPOINT_URL_AUTO_SCALING', undefined);
      vi.stubEnv('AWS_PROFILE', undefined);
      vi.stubEnv(variable, endpoint);
      vi.stubEnv('AWS_REGION', REGION);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
      const envClient = createAutoScalingClient();

      // Act
      const found = await createAutoScalingAdapter(envClient).describeGroups(['a']);

      // Assess
      expect(found.map((g) => g.name)).toEqual(['spot-nodes-env']);
      expect(await envClient.config.maxAttempts()).toBe(5);
      const { retryMode } = envClient.config;
      expect(typeof retryMode === 'function' ? await retryMode() : retryMode).toBe('adaptive');
      envClient.destroy();
    });
  });
});

// ---- error mapping on SDK-shaped errors ------------------------------------------------------

function awsError(name: string, message: string): AutoScalingServiceException {
  return new AutoScalingServiceException({
    name,
    message,
    $fault: 'client',
    $metadata: { httpStatusCode: 400, attempts: 5 },
  });
}

describe('auto-scaling adapter error mapping (aws-sdk-client-mock)', () => {
  const client = new AutoScalingClient({ region: REGION });
  const mock = mockClient(client);
  const adapter = createAutoScalingAdapter(client);

  beforeEach(() => {
    mock.reset();
  });

  it('maps Throttling that survived the retries to TransientAwsError', async () => {
    // Prepare
    const throttled = awsError('Throttling', 'Rate exceeded');
    mock.on(SetDesiredCapacityCommand).rejects(throttled);

    // Act
    const error = await adapter.setDesiredCapacity('spot-nodes-1', 2).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as TransientAwsError).cause).toBe(throttled);
  });

  it('maps a conflict on the group (ResourceContention) to TransientAwsError', async () => {
    // Prepare
    const contention = new ResourceContentionFault({ message: 'pending update', $metadata: {} });
    mock.on(UpdateAutoScalingGroupCommand).rejects(contention);

    // Act / Assess
    await expect(adapter.updateSizes('spot-nodes-1', { maxSize: 2 })).rejects.toBeInstanceOf(TransientAwsError);
  });

  it.each([
    ['putTags', 'AutoScalingGroup not found - AutoScaling Group spot-nodes-1 not found'],
    ['setDesiredCapacity', 'AutoScalingGroup name not found - null'],
    ['deleteTags', 'Group spot-nodes-1 not found'],
  ] as const)('maps the not-found ValidationError of %s to GroupNotFoundError', async (method, message) => {
    // Prepare
    const notFound = awsError('ValidationError', message);
    mock.onAnyCommand().rejects(notFound);

    // Act
    const error = await (method === 'putTags'
      ? adapter.putTags('spot-nodes-1', { k: 'v' })
      : method === 'deleteTags'
        ? adapter.deleteTags('spot-nodes-1', ['k'])
        : adapter.setDesiredCapacity('spot-nodes-1', 1)
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GroupNotFoundError);
    expect(error).toMatchObject({ groupName: 'spot-nodes-1', cause: notFound });
  });

  it('rethrows other errors unchanged, including other ValidationErrors', async () => {
    // Prepare
    const aboveMax = awsError('ValidationError', 'New SetDesiredCapacity value 9 is above max value 4 for the AutoScalingGroup.');
    const denied = awsError('AccessDenied', 'User is not authorized to perform: autoscaling:CreateOrUpdateTags');
    // The text alone never makes a GroupNotFoundError: only a ValidationError is read.
    const internal = awsError('InternalFailure', 'Group spot-nodes-1 not found in cache');
    mock.on(SetDesiredCapacityCommand).rejects(aboveMax);
    mock.on(CreateOrUpdateTagsCommand).rejects(denied);
    mock.on(DeleteTagsCommand).rejects(internal);

    // Act / Assess
    await expect(adapter.setDesiredCapacity('spot-nodes-1', 9)).rejects.toBe(aboveMax);
    await expect(adapter.putTags('spot-nodes-1', { k: 'v' })).rejects.toBe(denied);
    await expect(adapter.deleteTags('spot-nodes-1', ['k'])).rejects.toBe(internal);
  });

  it('passes the abort signal to the SDK and sends one request per tag change', async () => {
    // Prepare
    mock.on(CreateOrUpdateTagsCommand).resolves({});
    mock.on(DeleteTagsCommand).resolves({});
    const { signal } = new AbortController();

    // Act
    await adapter.putTags('spot-nodes-1', { a: '1', b: '2' }, { abortSignal: signal });
    await adapter.deleteTags('spot-nodes-1', ['a', 'a', 'b'], { abortSignal: signal });

    // Assess
    const [put, del, ...more] = mock.calls();
    expect(more).toEqual([]);
    expect(put?.args[0].input).toEqual({
      Tags: [
        { ResourceId: 'spot-nodes-1', ResourceType: 'auto-scaling-group', Key: 'a', Value: '1', PropagateAtLaunch: false },
        { ResourceId: 'spot-nodes-1', ResourceType: 'auto-scaling-group', Key: 'b', Value: '2', PropagateAtLaunch: false },
      ],
    });
    expect(del?.args[0].input).toEqual({
      Tags: [
        { ResourceId: 'spot-nodes-1', ResourceType: 'auto-scaling-group', Key: 'a' },
        { ResourceId: 'spot-nodes-1', ResourceType: 'auto-scaling-group', Key: 'b' },
      ],
    });
    // The stub's typing only declares the command; the SDK options are its second argument.
    expect((put?.args as unknown[] | undefined)?.[1]).toEqual({ abortSignal: signal });
    expect((del?.args as unknown[] | undefined)?.[1]).toEqual({ abortSignal: signal });
  });

  it('follows DescribeAutoScalingGroups pages until there is no NextToken', async () => {
    // Prepare
    mock
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [{ AutoScalingGroupName: 'g1' } as never], NextToken: 't1' })
      .resolvesOnce({ AutoScalingGroups: [{ AutoScalingGroupName: 'g2' } as never], NextToken: 't2' })
      .resolvesOnce({ AutoScalingGroups: [{ AutoScalingGroupName: 'g3' } as never] });

    // Act
    const found = await adapter.describeGroups(['a', 'a']);

    // Assess
    expect(found.map((g) => g.name)).toEqual(['g1', 'g2', 'g3']);
    expect(mock.calls().map((c) => (c.args[0].input as { NextToken?: string }).NextToken)).toEqual([undefined, 't1', 't2']);
    expect(mock.calls()[0]?.args[0].input).toMatchObject({
      Filters: [expect.anything(), { Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/a'] }],
    });
  });

  it('reads scaling activities newest first and stops at the first one older than since', async () => {
    // Prepare: two pages; the second crosses `since`, so a third page is never asked for.
    const since = new Date('2025-06-01T12:00:00Z');
    const activity = (id: string, start: string, statusCode = 'Failed') => ({
      ActivityId: id,
      AutoScalingGroupName: 'spot-nodes-1',
      StatusCode: statusCode as never,
      StatusMessage: 'Could not launch Spot Instances. InsufficientInstanceCapacity - no capacity.',
      Cause: 'At 2025-06-01T12:10:00Z an instance was started in response to a difference…',
      Description: 'Launching a new EC2 instance. Status Reason: …',
      StartTime: new Date(start),
      Progress: 100,
      Details: '{"Subnet ID":"subnet-1","Availability Zone":"eu-west-3a"}',
    });
    mock
      .on(DescribeScalingActivitiesCommand)
      .resolvesOnce({
        Activities: [activity('a3', '2025-06-01T12:30:00Z'), activity('a2', '2025-06-01T12:20:00Z')],
        NextToken: 'p2',
      })
      .resolvesOnce({
        Activities: [activity('a1', '2025-06-01T12:00:00Z', 'Successful'), activity('a0', '2025-06-01T11:59:59Z')],
        NextToken: 'p3',
      });

    // Act
    const activities = await adapter.scalingActivities('spot-nodes-1', since);

    // Assess
    expect(activities.map((a) => a.activityId)).toEqual(['a3', 'a2', 'a1']);
    expect(activities[0]).toEqual({
      activityId: 'a3',
      autoScalingGroupName: 'spot-nodes-1',
      statusCode: 'Failed',
      statusMessage: 'Could not launch Spot Instances. InsufficientInstanceCapacity - no capacity.',
      cause: 'At 2025-06-01T12:10:00Z an instance was started in response to a difference…',
      description: 'Launching a new EC2 instance. Status Reason: …',
      startTime: '2025-06-01T12:30:00.000Z',
      details: '{"Subnet ID":"subnet-1","Availability Zone":"eu-west-3a"}',
    });
    expect(mock.calls()).toHaveLength(2);
    expect(mock.calls()[1]?.args[0].input).toEqual({
      AutoScalingGroupName: 'spot-nodes-1',
      MaxRecords: 100,
      NextToken: 'p2',
    });
  });
});

// ---- the real SDK against an endpoint that throttles ----------------------------------------

describe('auto-scaling adapter against an endpoint that throttles', () => {
  let server: Server;
  let requests = 0;
  let fakeEndpoint = '';

  beforeEach(async () => {
    requests = 0;
    // What Auto Scaling (awsQuery protocol) answers when throttling.
    server = createServer((request, response) => {
      requests++;
      request.resume();
      request.on('end', () => {
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">' +
            '<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>' +
            '<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>',
        );
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    fakeEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise((done) => server.close(done));
  });

  it('retries, then reports TransientAwsError with the SDK error as cause', async () => {
    // Prepare: two attempts keep the test short; production uses five.
    const throttledClient = createAutoScalingClient({ ...motoClientConfig(fakeEndpoint), maxAttempts: 2 });
    const adapter = createAutoScalingAdapter(throttledClient);

    // Act
    const error = await adapter.setDesiredCapacity('spot-nodes-1', 2).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as TransientAwsError).cause).toMatchObject({ name: 'Throttling', $metadata: { attempts: 2 } });
    expect(requests).toBe(2);
    throttledClient.destroy();
  });
});
