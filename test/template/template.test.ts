/**
 * Checks on what `serverless package` produces from serverless.yml: the CloudFormation template
 * (cfn-lint clean, event wiring, least-privilege IAM) and the per-function zips (config file,
 * bundled ESM handler that really imports).
 *
 * beforeAll runs scripts/package.sh (offline, no AWS credentials). To check an already packaged
 * template instead, set CAPACITY_GUARD_TEMPLATE to its path; the zips are read from beside it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../lib/failover/actions';
import { loadPolicy } from '../../lib/config/load';
import { KINDS } from '../../lib/notify/describe';
import type { Signal } from '../../lib/vocabulary/signals';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CFN_LINT = join(ROOT, '.venv/bin/cfn-lint');
const FUNCTIONS = ['failover', 'reconcile', 'downscaler', 'spot', 'spotSweep', 'retire', 'sharedSignals', 'signalsRelay'] as const;
const LAMBDA_TASK_ROOT = '/var/task/';
const CA_ENABLED_TAG = 'k8s.io/cluster-autoscaler/enabled';

// ---------------------------------------------------------------------------------------------
// A loose model of the parts of a CloudFormation template we read.

type Json = unknown;
interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
}
interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}
interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  NotResource?: Json;
  Condition?: Record<string, Record<string, Json>>;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function resource(template: CfnTemplate, logicalId: string): CfnResource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`template has no resource ${logicalId}`);
  return found;
}

function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function props(r: CfnResource): Record<string, Json> {
  return r.Properties ?? {};
}

/** `{ "Fn::GetAtt": [logicalId, "Arn"] }` */
const arnOf = (logicalId: string): Json => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/**
 * Every statement of every inline policy of every IAM role (the framework puts ours on one role),
 * and of every managed policy attached to a role (the spot functions' instance-tagging policy).
 */
function roleStatements(template: CfnTemplate): PolicyStatement[] {
  const inline = resourcesOfType(template, 'AWS::IAM::Role').flatMap(([, role]) =>
    asArray(props(role).Policies as { PolicyDocument: { Statement: PolicyStatement[] } }[]).flatMap((policy) => asArray(policy.PolicyDocument.Statement)),
  );
  // One role per function: a statement several roles share (the lease, the folds, SSM) counts once.
  const unique = new Map([...inline, ...attachedPolicyStatements(template)].map((statement) => [JSON.stringify(statement), statement]));
  return [...unique.values()];
}

function attachedPolicyStatements(template: CfnTemplate, logicalId?: string): PolicyStatement[] {
  return resourcesOfType(template, 'AWS::IAM::ManagedPolicy')
    .filter(([id, policy]) => (logicalId === undefined || id === logicalId) && asArray(props(policy).Roles as Json[]).length > 0)
    .flatMap(([, policy]) => asArray((props(policy).PolicyDocument as { Statement: PolicyStatement[] }).Statement));
}

const isReadOnlyAction = (action: string): boolean => /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/.test(action);

const allowsAnyResource = (statement: PolicyStatement): boolean => statement.NotResource !== undefined || asArray(statement.Resource).some((r) => r === '*');

/** Allow statements that grant a write (non Describe/Get/List) action on Resource "*". */
function writesOnAnyResource(statements: PolicyStatement[]): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow' && allowsAnyResource(s))
    .flatMap((s) =>
      asArray(s.Action)
        .filter((a) => !isReadOnlyAction(a))
        .map((a) => `${a} on *`),
    );
}

/** Actions written with a wildcard (`*`, `autoscaling:*`, `autoscaling:Set*`) or granted via NotAction. */
function wildcardActions(statements: PolicyStatement[]): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => [...asArray(s.Action).filter((a) => a.includes('*')), ...asArray(s.NotAction).map((a) => `NotAction ${a}`)]);
}

/** True when the statement only applies to groups tagged k8s.io/cluster-autoscaler/enabled=true. */
function requiresClusterAutoscalerTag(statement: PolicyStatement): boolean {
  const equals = statement.Condition?.StringEquals ?? {};
  return ['autoscaling', 'aws'].some((prefix) => JSON.stringify(asArray(equals[`${prefix}:ResourceTag/${CA_ENABLED_TAG}`])) === '["true"]');
}

/** Auto Scaling write actions granted without the cluster-autoscaler tag condition or on a non-ASG ARN. */
function unguardedAutoScalingWrites(statements: PolicyStatement[]): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) =>
      asArray(s.Action)
        .filter((a) => a.startsWith('autoscaling:') && !isReadOnlyAction(a))
        .flatMap((a) => {
          const problems: string[] = [];
          if (!requiresClusterAutoscalerTag(s)) problems.push(`${a}: no ${CA_ENABLED_TAG}=true condition`);
          if (!JSON.stringify(s.Resource ?? null).includes(':autoScalingGroup:')) {
            problems.push(`${a}: resource is not an autoScalingGroup ARN`);
          }
          return problems;
        }),
    );
}

/** Tag writes must be limited to keys under capacity-guard/ (and the key list must be present). */
function unrestrictedTagWrites(statements: PolicyStatement[]): string[] {
  const tagActions = ['autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags'];
  return statements
    .filter((s) => s.Effect === 'Allow' && asArray(s.Action).some((a) => tagActions.includes(a)))
    .flatMap((s) => {
      const name = s.Sid ?? 'statement';
      const keys = asArray(s.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys'] as string | string[]);
      const problems: string[] = [];
      if (keys.length === 0 || keys.some((k) => !k.startsWith('capacity-guard/'))) {
        problems.push(`${name}: aws:TagKeys not limited to capacity-guard/* (${JSON.stringify(keys)})`);
      }
      if (s.Condition?.Null?.['aws:TagKeys'] !== 'false') problems.push(`${name}: no Null aws:TagKeys=false guard`);
      return problems;
    });
}

function eventRulesWithSchedule(template: CfnTemplate, expression: string): CfnResource[] {
  return resourcesOfType(template, 'AWS::Events::Rule')
    .map(([, r]) => r)
    .filter((r) => props(r).ScheduleExpression === expression);
}

function functionLogicalId(name: string): string {
  return `${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`;
}

/** The bundled handler's path in the zip: `functions/spot-sweep.handler` → `functions/spot-sweep.mjs`. */
function handlerFile(template: CfnTemplate, name: string): string {
  return `${String(props(resource(template, functionLogicalId(name))).Handler).replace(/\.[^.]+$/, '')}.mjs`;
}

/** The function's variables; a `Ref` to a resource stands in as that resource's logical id (what a deploy would resolve). */
function functionEnv(template: CfnTemplate, name: string): Record<string, string> {
  const environment = props(resource(template, functionLogicalId(name))).Environment;
  const variables = (environment as { Variables: Record<string, unknown> }).Variables;
  return Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : String((value as { Ref?: string }).Ref ?? JSON.stringify(value)),
    ]),
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

// ---------------------------------------------------------------------------------------------

let templatePath: string;
let template: CfnTemplate;
let statements: PolicyStatement[];
const unzipped = new Map<string, string>();
const scratch = mkdtempSync(join(tmpdir(), 'capacity-guard-template-'));

beforeAll(() => {
  const started = Date.now();
  const fromEnv = process.env.CAPACITY_GUARD_TEMPLATE;
  templatePath = fromEnv ? fromEnv : execFileSync('bash', [join(ROOT, 'scripts/package.sh')], { cwd: ROOT, encoding: 'utf8' }).trim();
  if (!fromEnv) console.log(`serverless package: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  template = JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate;
  statements = roleStatements(template);

  for (const name of FUNCTIONS) {
    const dir = join(scratch, name);
    execFileSync('unzip', ['-q', '-o', join(dirname(templatePath), `${name}.zip`), '-d', dir]);
    unzipped.set(name, dir);
  }
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('cfn-lint', () => {
  it('reports no findings on the packaged template', () => {
    if (!existsSync(CFN_LINT)) {
      throw new Error(`${CFN_LINT} is missing: run \`npm run setup:test-tools\` first`);
    }
    const run = spawnSync(CFN_LINT, ['--format', 'parseable', '--', templatePath], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect({ status: run.status, findings: run.stdout.trim(), stderr: run.stderr.trim() }).toEqual({
      status: 0,
      findings: '',
      stderr: '',
    });
  });
});

describe('launch events: EventBridge rule -> SQS queue -> failover', () => {
  it('matches exactly the two Auto Scaling launch detail-types and targets the queue', () => {
    const rule = props(resource(template, 'LaunchEventsRule'));
    const pattern = rule.EventPattern as Record<string, string[]>;

    expect(Object.keys(pattern).sort()).toEqual(['account', 'detail-type', 'source']);
    expect(pattern.source).toEqual(['aws.autoscaling']);
    // Only the stack's own account (item 5): a forwarded event keeps its origin account.
    expect(pattern.account).toEqual([{ Ref: 'AWS::AccountId' }]);
    expect([...(pattern['detail-type'] ?? [])].sort()).toEqual(['EC2 Instance Launch Successful', 'EC2 Instance Launch Unsuccessful']);
    expect(rule.EventBusName ?? 'default').toBe('default');
    expect(rule.State).toBe('ENABLED');
    expect((rule.Targets as { Arn: Json }[]).map((t) => t.Arn)).toEqual([arnOf('LaunchEventsQueue')]);
  });

  it('lets only that rule send to the queue', () => {
    const policy = props(resource(template, 'LaunchEventsQueuePolicy'));
    expect(policy.Queues).toEqual([{ Ref: 'LaunchEventsQueue' }]);
    const document = policy.PolicyDocument as { Statement: Json[] };
    expect(document.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arnOf('LaunchEventsQueue'),
        Condition: { ArnEquals: { 'aws:SourceArn': arnOf('LaunchEventsRule') } },
      }),
    ]);
  });

  it('redrives to an encrypted 14-day DLQ after 5 receives', () => {
    const queue = props(resource(template, 'LaunchEventsQueue'));
    const dlq = props(resource(template, 'LaunchEventsDLQ'));

    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf('LaunchEventsDLQ'),
      maxReceiveCount: 5,
    });
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(dlq.SqsManagedSseEnabled).toBe(true);
  });

  it('encrypts every queue, keeps every DLQ 14 days and every source queue shorter than its DLQ', () => {
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(4);
    for (const [id, queue] of queues) expect(props(queue).SqsManagedSseEnabled, id).toBe(true);
    for (const [id, queue] of queues) {
      const target = (props(queue).RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': [string, string] } } | undefined)?.deadLetterTargetArn;
      if (!target) continue;
      const dlq = props(resource(template, target['Fn::GetAtt'][0]));
      expect(dlq.MessageRetentionPeriod, `${id}'s DLQ`).toBe(14 * 24 * 3600);
      // A message keeps its original enqueue time in the DLQ: a shorter source retention leaves it time there.
      expect(props(queue).MessageRetentionPeriod as number, id).toBeLessThan(dlq.MessageRetentionPeriod as number);
    }
  });

  it('tells every function its own account, so aws.* events of another account are refused (item 5)', () => {
    for (const name of FUNCTIONS) expect(functionEnv(template, name).CAPACITY_GUARD_ACCOUNT_ID).toBe('AWS::AccountId');
  });

  it('keeps the visibility timeout at least 6x the failover timeout (AWS recommendation)', () => {
    const queue = props(resource(template, 'LaunchEventsQueue'));
    const failover = props(resource(template, functionLogicalId('failover')));
    expect(failover.Timeout).toBe(20);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (failover.Timeout as number));
  });

  it("gives both functions the writers' lease table and only PutItem/DeleteItem on it", () => {
    for (const name of FUNCTIONS) expect(functionEnv(template, name).CAPACITY_GUARD_LOCK_TABLE).toBe('WritersLeaseTable');
    const table = props(resource(template, 'WritersLeaseTable'));
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    const dynamoStatements = roleStatements(template).filter((statement) => asArray(statement.Action).some((action) => action.startsWith('dynamodb:')));
    expect(dynamoStatements.map((statement) => [asArray(statement.Action).sort(), statement.Resource])).toEqual([
      // The failover's pools out (lib/pools): out#* items written, the table scanned.
      [['dynamodb:BatchWriteItem'], [arnOf('CapacitySignalsTable')]],
      [['dynamodb:Scan'], [arnOf('CapacitySignalsTable')]],
      // Shared capacity signals: a publication claim per pool (published#* items only).
      [['dynamodb:UpdateItem'], [arnOf('CapacitySignalsTable')]],
      [['dynamodb:DeleteItem', 'dynamodb:PutItem'], [arnOf('WritersLeaseTable')]],
      // Slack notification folding: its own notify#* items (see the observability block below).
      [['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'], [arnOf('WritersLeaseTable')]],
      // The spot function's pool store (its own describe block below).
      [['dynamodb:GetItem', 'dynamodb:UpdateItem'], [arnOf('CapacitySignalsTable')]],
      // The retire function reads the pool store whole (issue 15).
      [['dynamodb:Scan'], [arnOf('CapacitySignalsTable')]],
    ]);
  });

  it('lets the functions shorten the visibility of handed-back records on their own two queues only', () => {
    const sqsStatements = roleStatements(template).filter((statement) => asArray(statement.Action).includes('sqs:ChangeMessageVisibility'));
    // Each function that reads a queue may change the visibility of its own queue's messages, nothing else.
    expect(sqsStatements.map((statement) => [statement.Effect, statement.Resource])).toEqual([
      ['Allow', arnOf('LaunchEventsQueue')],
      ['Allow', arnOf('SpotEventsQueue')],
    ]);
  });

  it('maps the queue to failover with partial batch responses and a 1 s batching window', () => {
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
      .map(([, r]) => props(r))
      .filter((mapping) => JSON.stringify(mapping.EventSourceArn) === JSON.stringify(arnOf('LaunchEventsQueue')));
    expect(mappings).toEqual([
      expect.objectContaining({
        EventSourceArn: arnOf('LaunchEventsQueue'),
        FunctionName: arnOf(functionLogicalId('failover')),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        Enabled: true,
      }),
    ]);
  });
});

describe('reconcile schedule', () => {
  it('runs reconcile every minute', () => {
    // Each scheduled function has its own rule: reconcile and retire (issue 15) run every minute.
    const rules = eventRulesWithSchedule(template, 'rate(1 minute)').filter((r) => JSON.stringify(props(r).Targets).includes(functionLogicalId('reconcile')));
    expect(rules).toHaveLength(1);
    expect((props(rules[0]!).Targets as { Arn: Json }[]).map((t) => t.Arn)).toEqual([arnOf(functionLogicalId('reconcile'))]);
    expect(eventRulesWithSchedule(template, 'rate(1 minute)')).toHaveLength(2);
    expect(props(resource(template, functionLogicalId('reconcile'))).Timeout).toBe(60);
  });
});

describe('downscaler schedule and permissions', () => {
  it('runs the downscaler every 5 minutes by default, without retries', () => {
    const rules = eventRulesWithSchedule(template, 'rate(5 minutes)').filter((r) => JSON.stringify(props(r).Targets).includes(functionLogicalId('downscaler')));
    expect(rules).toHaveLength(1);
    expect((props(rules[0]!).Targets as { Arn: Json }[]).map((t) => t.Arn)).toEqual([arnOf(functionLogicalId('downscaler'))]);
    expect(props(resource(template, functionLogicalId('downscaler'))).Timeout).toBe(60);
    const retries = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig')
      .filter(([, r]) => JSON.stringify(props(r).FunctionName).includes(functionLogicalId('downscaler')))
      .map(([, r]) => props(r).MaximumRetryAttempts);
    expect(retries).toEqual([0]);
  });

  it('tells the downscaler its own period (dry-run notifies a decision once per period)', () => {
    expect(functionEnv(template, 'downscaler').CAPACITY_GUARD_DOWNSCALER_SCHEDULE).toBe('rate(5 minutes)');
  });

  it('follows --param downscalerSchedule for the rule and the period alike', () => {
    // `serverless print` resolves the params without packaging (offline, a few seconds).
    const printed = spawnSync(
      join(ROOT, 'node_modules/.bin/serverless'),
      ['print', '--stage', 'ci', '--param=downscalerSchedule=rate(10 minutes)', '--path', 'functions.downscaler', '--format', 'json'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: Object.fromEntries(
          Object.entries({ ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false' }).filter(
            ([key]) => !['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'].includes(key),
          ),
        ),
      },
    );
    expect(printed.status, printed.stderr).toBe(0);
    const downscaler = JSON.parse(printed.stdout) as { events: { schedule: string }[]; environment: Record<string, string> };
    expect(downscaler.events).toEqual([{ schedule: 'rate(10 minutes)' }]);
    expect(downscaler.environment.CAPACITY_GUARD_DOWNSCALER_SCHEDULE).toBe('rate(10 minutes)');
  }, 60_000);

  it('can write sizes and its own tags only on cluster-autoscaler groups, and only capacity-guard/* keys', () => {
    const downscalerKeys = ['capacity-guard/downscaler-saved', 'capacity-guard/downscaler-set', 'capacity-guard/downscaler-since'];
    for (const action of ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags']) {
      const granting = statements.filter((s) => s.Effect === 'Allow' && asArray(s.Action).includes(action));
      expect(granting.length, action).toBeGreaterThan(0);
      for (const statement of granting) {
        expect(requiresClusterAutoscalerTag(statement), `${action} in ${statement.Sid}`).toBe(true);
        expect(JSON.stringify(statement.Resource), `${action} in ${statement.Sid}`).toContain(':autoScalingGroup:');
        if (action !== 'autoscaling:UpdateAutoScalingGroup') {
          const patterns = asArray(statement.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys'] as string | string[]);
          const allowed = (key: string) =>
            patterns.some((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key));
          expect(downscalerKeys.every(allowed), `${statement.Sid} allows the downscaler's keys`).toBe(true);
          expect(allowed('k8s.io/cluster-autoscaler/enabled'), `${statement.Sid} refuses other keys`).toBe(false);
        }
      }
    }
  });
});

describe('functions', () => {
  it('run on nodejs22.x / arm64 with the config path inside the package', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual(FUNCTIONS.map(functionLogicalId).sort());
    for (const [id, fn] of functions) {
      const p = props(fn);
      const env = (p.Environment as { Variables: Record<string, string> }).Variables;
      expect({ id, runtime: p.Runtime, arch: p.Architectures, memory: p.MemorySize }).toEqual({
        id,
        runtime: 'nodejs22.x',
        arch: ['arm64'],
        memory: 256,
      });
      expect(env).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'capacity-guard',
        POWERTOOLS_METRICS_NAMESPACE: 'CapacityGuard',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(env.CAPACITY_GUARD_CONFIG).toMatch(/^\/var\/task\/.+\.ya?ml$/);
    }
  });

  it('keep their logs 30 days', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup').map(([, r]) => props(r).RetentionInDays);
    expect(groups).toEqual(FUNCTIONS.map(() => 30));
  });
});

describe('IAM (least privilege)', () => {
  it('grants no write action on Resource "*" (only Describe/Get/List there)', () => {
    expect(writesOnAnyResource(statements)).toEqual([]);
  });

  it('grants no wildcard action', () => {
    expect(wildcardActions(statements)).toEqual([]);
  });

  it('guards every Auto Scaling write with the cluster-autoscaler tag', () => {
    const writes = statements.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('autoscaling:') && !isReadOnlyAction(a));
    expect(writes).toEqual(expect.arrayContaining(['autoscaling:SetDesiredCapacity', 'autoscaling:UpdateAutoScalingGroup']));
    expect(unguardedAutoScalingWrites(statements)).toEqual([]);
  });

  it('scopes every Auto Scaling write to the groups of the configured clusters (item 13)', () => {
    const clusters = ['prod-eu', 'staging-eu']; // capacity-guard.example.yml
    const writes = statements.filter((s) => s.Effect === 'Allow' && asArray(s.Action).some((a) => a.startsWith('autoscaling:') && !isReadOnlyAction(a)));
    expect(writes.length).toBeGreaterThan(0);
    const clusterOf = (s: PolicyStatement) =>
      Object.entries(s.Condition?.Null ?? {}).flatMap(([key, value]) =>
        value === 'false' && key.startsWith('autoscaling:ResourceTag/k8s.io/cluster-autoscaler/')
          ? [key.slice('autoscaling:ResourceTag/k8s.io/cluster-autoscaler/'.length)]
          : [],
      );
    // The downscaler's exception (scripts/serverless/asg-iam.cjs): groups of any cluster that carry one of its
    // schedule tags, sizes and capacity-guard/downscaler-* keys only.
    const scheduled = writes.filter((s) => s.Sid?.startsWith('DownscalerScheduledGroups'));
    const scheduleKeys = ['capacity-guard/uptime', 'capacity-guard/downtime', 'capacity-guard/downscaler-saved'].map((key) => `autoscaling:ResourceTag/${key}`);
    for (const statement of scheduled) {
      expect(
        Object.keys(statement.Condition?.Null ?? {}).filter((key) => scheduleKeys.includes(key)),
        statement.Sid,
      ).toHaveLength(1);
      expect(
        asArray(statement.Action).filter((a) => a !== 'autoscaling:UpdateAutoScalingGroup' && !a.endsWith('Tags')),
        statement.Sid,
      ).toEqual([]);
      const keys = asArray(statement.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys'] as string | string[] | undefined);
      if (keys.length) expect(keys, statement.Sid).toEqual(['capacity-guard/downscaler-*']);
    }
    for (const statement of writes.filter((s) => !scheduled.includes(s)))
      expect(
        clusterOf(statement).filter((name) => clusters.includes(name)),
        statement.Sid,
      ).toHaveLength(1);
    for (const action of [
      'autoscaling:UpdateAutoScalingGroup',
      'autoscaling:SetDesiredCapacity',
      'autoscaling:CreateOrUpdateTags',
      'autoscaling:DeleteTags',
      'autoscaling:DetachInstances',
      'autoscaling:LaunchInstances',
    ]) {
      const covered = writes
        .filter((s) => !scheduled.includes(s) && asArray(s.Action).includes(action))
        .flatMap(clusterOf)
        .sort();
      expect(covered, action).toEqual(clusters);
    }
  });

  it('denies UpdateAutoScalingGroup requests that change more than sizes (item 13)', () => {
    const denied = statements.filter((s) => s.Effect === 'Deny' && asArray(s.Action).includes('autoscaling:UpdateAutoScalingGroup'));
    const keys = denied.map((s) => {
      expect(Object.keys(s.Condition ?? {}), s.Sid).toEqual(['Null']);
      const entries = Object.entries(s.Condition!.Null!);
      expect(entries, s.Sid).toHaveLength(1); // one key per statement: Deny if ANY of them is in the request
      expect(entries[0]![1], s.Sid).toBe('false');
      return entries[0]![0];
    });
    expect(keys.sort()).toEqual([
      'autoscaling:LaunchConfigurationName',
      'autoscaling:LaunchTemplateVersionSpecified',
      'autoscaling:LoadBalancerNames',
      'autoscaling:TargetGroupARNs',
      'autoscaling:VPCZoneIdentifiers',
    ]);
  });

  it('gives each function its own role with only what it does (item 12)', () => {
    const roleOf = (name: string) => (props(resource(template, functionLogicalId(name))).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    expect(FUNCTIONS.map(roleOf)).toEqual([
      'FailoverRole',
      'ReconcileRole',
      'DownscalerRole',
      'SpotRole',
      'SpotSweepRole',
      'RetireRole',
      'SharedSignalsRole',
      'SignalsRelayRole',
    ]);
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    const granted = (role: string) => {
      const inline = asArray(props(resource(template, role)).Policies as { PolicyDocument: { Statement: PolicyStatement[] } }[]).flatMap((policy) =>
        asArray(policy.PolicyDocument.Statement),
      );
      const attached = resourcesOfType(template, 'AWS::IAM::ManagedPolicy')
        .filter(([, policy]) => asArray(props(policy).Roles as Json[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: role })))
        .flatMap(([, policy]) => asArray((props(policy).PolicyDocument as { Statement: PolicyStatement[] }).Statement));
      return new Set([...inline, ...attached].filter((statement) => statement.Effect === 'Allow').flatMap((statement) => asArray(statement.Action)));
    };
    const spotOnly = ['ec2:TerminateInstances', 'autoscaling:DetachInstances', 'events:PutEvents', 'ec2:CreateTags', 'ec2:DeleteTags', 'dynamodb:UpdateItem'];
    // The failover publishes shared capacity signals (PutEvents, a claim per pool: UpdateItem).
    const publishing = new Set(['events:PutEvents', 'dynamodb:UpdateItem']);
    for (const role of ['FailoverRole', 'ReconcileRole', 'DownscalerRole']) {
      expect(
        spotOnly.filter((action) => granted(role).has(action) && !(role === 'FailoverRole' && publishing.has(action))),
        role,
      ).toEqual([]);
      expect(granted(role).has('autoscaling:SetDesiredCapacity'), role).toBe(true);
    }
    expect(['ec2:TerminateInstances'].filter((action) => granted('SpotRole').has(action))).toEqual([]);
    // Only retirement terminates inside a group, and it neither detaches nor terminates outside one.
    for (const role of ['FailoverRole', 'ReconcileRole', 'DownscalerRole', 'SpotRole', 'SpotSweepRole']) {
      expect(granted(role).has('autoscaling:TerminateInstanceInAutoScalingGroup'), role).toBe(false);
    }
    expect(granted('RetireRole').has('autoscaling:TerminateInstanceInAutoScalingGroup')).toBe(true);
    expect(['ec2:TerminateInstances', 'autoscaling:DetachInstances'].filter((action) => granted('RetireRole').has(action))).toEqual([]);
    expect([...granted('SpotSweepRole')].filter((action) => action.startsWith('autoscaling:') || action === 'events:PutEvents')).toEqual([]);
    expect(granted('ReconcileRole').has('autoscaling:DescribeScalingActivities')).toBe(true);
    expect(granted('FailoverRole').has('autoscaling:DescribeScalingActivities')).toBe(false);
    expect(granted('FailoverRole').has('sqs:ReceiveMessage')).toBe(true);
    // Pools out: only out#* keys (dynamodb:LeadingKeys), never the spot function's pool items.
    const poolsOut = asArray(props(resource(template, 'FailoverRole')).Policies as { PolicyDocument: { Statement: PolicyStatement[] } }[])
      .flatMap((policy) => asArray(policy.PolicyDocument.Statement))
      .find((statement) => asArray(statement.Action).includes('dynamodb:BatchWriteItem'));
    expect(JSON.stringify(poolsOut?.Condition)).toBe(JSON.stringify({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['out#*'] } }));
    // The spot function marks storming pools out with the same statement (lib/spot/run.ts).
    expect(granted('SpotRole').has('dynamodb:BatchWriteItem')).toBe(true);
    expect(granted('ReconcileRole').has('sqs:ReceiveMessage')).toBe(false);
    // Received signals are never published again: the receiving function cannot PutEvents.
    expect(granted('SharedSignalsRole').has('events:PutEvents')).toBe(false);
    expect(granted('SharedSignalsRole').has('autoscaling:UpdateAutoScalingGroup')).toBe(true);
    // The relay reads its queue and writes its logs; PutEvents only with sharedSignals.relay (not in this config).
    expect([...granted('SignalsRelayRole')].sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
  });

  it('lets tag writes touch only capacity-guard/* keys', () => {
    expect(unrestrictedTagWrites(statements)).toEqual([]);
  });

  it('lets the failover alone probe tiers: LaunchInstances on the configured groups, CreateFleet on this account, never "*" (issue 13)', () => {
    const probeActions = ['autoscaling:LaunchInstances', 'ec2:CreateFleet', 'ec2:DescribeLaunchTemplateVersions'];
    const probe = attachedPolicyStatements(template, 'FailoverTierProbePolicy');
    // Every grant of the three is in the generated policy (scripts/serverless/probe-iam.cjs), on the failover's role alone.
    expect(statements.filter((s) => s.Effect === 'Allow' && asArray(s.Action).some((a) => probeActions.includes(a)))).toEqual(probe);
    expect(props(resource(template, 'FailoverTierProbePolicy')).Roles).toEqual([{ Ref: 'FailoverRole' }]);
    const allowed = (actions: string[]) => probe.filter((s) => s.Effect === 'Allow' && asArray(s.Action).some((a) => actions.includes(a)));
    // LaunchInstances: one statement per configured cluster, guarded as every Auto Scaling write.
    const launches = allowed(['autoscaling:LaunchInstances']);
    expect(launches.map((s) => Object.keys(s.Condition?.Null ?? {}))).toEqual([
      ['autoscaling:ResourceTag/k8s.io/cluster-autoscaler/prod-eu'],
      ['autoscaling:ResourceTag/k8s.io/cluster-autoscaler/staging-eu'],
    ]);
    expect(unguardedAutoScalingWrites(launches)).toEqual([]);
    // CreateFleet: never "*"; this region's ARNs, this account's but for images and snapshots (no account in their ARN).
    const fleets = allowed(['ec2:CreateFleet']);
    expect(fleets.length).toBeGreaterThan(0);
    const arns = fleets.flatMap((s) => {
      expect(s.NotResource, s.Sid).toBeUndefined();
      expect(asArray(s.Action), s.Sid).toEqual(['ec2:CreateFleet']);
      return asArray(s.Resource).map((r) => (r as { 'Fn::Sub'?: string })['Fn::Sub'] ?? String(r));
    });
    for (const arn of arns) {
      expect(arn).toMatch(/^arn:\$\{AWS::Partition\}:ec2:\$\{AWS::Region\}:(\$\{AWS::AccountId\})?:[a-z-]+\/\*$/);
      expect(arn.includes('::image/') || arn.includes('::snapshot/') || arn.includes(':${AWS::AccountId}:'), arn).toBe(true);
    }
    const types = arns.map((arn) => arn.split(':').at(-1)!.replace('/*', '')).sort();
    expect(types).toEqual(expect.arrayContaining(['fleet', 'image', 'instance', 'launch-template', 'network-interface', 'security-group', 'subnet', 'volume']));
    // The launch templates only with the cluster-autoscaler tag (param probeTemplateScope, default "tag").
    const templates = fleets.filter((s) => JSON.stringify(s.Resource).includes(':launch-template/'));
    expect(templates.map((s) => s.Condition)).toEqual([{ StringEquals: { [`aws:ResourceTag/${CA_ENABLED_TAG}`]: 'true' } }]);
    expect(writesOnAnyResource(probe)).toEqual([]);
  });

  it('grants none of the tier probe when the config turns pools.probeTiers off', async () => {
    const { probePolicyDocument, LAUNCH_ACTIONS } = (await import(pathToFileURL(join(ROOT, 'scripts/serverless/probe-iam.cjs')).href)).default as {
      probePolicyDocument: (text: string, groupScope: string, templateScope: string) => { Statement: PolicyStatement[] };
      LAUNCH_ACTIONS: string[];
    };
    const example = readFileSync(join(ROOT, 'capacity-guard.example.yml'), 'utf8');
    expect(example).toContain('probeTiers: true');
    const off = probePolicyDocument(example.replace('probeTiers: true', 'probeTiers: false'), 'cluster', 'tag').Statement;
    expect(off.filter((s) => s.Effect === 'Allow')).toEqual([]);
    expect(off).toEqual([expect.objectContaining({ Effect: 'Deny', Action: LAUNCH_ACTIONS })]);
    // The same generator with the probe on is what the packaged template holds.
    const on = probePolicyDocument(example, 'cluster', 'tag').Statement;
    expect(JSON.stringify(on)).toBe(JSON.stringify(attachedPolicyStatements(template, 'FailoverTierProbePolicy')));
  });
});

describe('IAM helpers catch what they are meant to catch', () => {
  const asg = 'arn:aws:autoscaling:eu-west-3:1:autoScalingGroup:*:autoScalingGroupName/*';
  const setDesired = (extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
    Effect: 'Allow',
    Action: 'autoscaling:SetDesiredCapacity',
    Resource: asg,
    ...extra,
  });
  const tagEquals = (key: string, value: string): PolicyStatement['Condition'] => ({
    StringEquals: { [key]: value },
  });

  it('flags a write on "*" but not a Describe on "*"', () => {
    expect(writesOnAnyResource([setDesired({ Resource: '*' })])).toEqual(['autoscaling:SetDesiredCapacity on *']);
    expect(writesOnAnyResource([setDesired({ Resource: '*', Action: 'autoscaling:DescribeAutoScalingGroups' })])).toEqual([]);
  });

  it('flags wildcard actions', () => {
    expect(wildcardActions([setDesired({ Action: 'autoscaling:*' }), setDesired({ Action: '*' })])).toHaveLength(2);
  });

  it('flags an Auto Scaling write without cluster-autoscaler=true, accepts one with it', () => {
    expect(unguardedAutoScalingWrites([setDesired()])).toHaveLength(1);
    expect(unguardedAutoScalingWrites([setDesired({ Condition: tagEquals(`aws:ResourceTag/${CA_ENABLED_TAG}`, 'false') })])).toHaveLength(1);
    expect(unguardedAutoScalingWrites([setDesired({ Condition: tagEquals(`autoscaling:ResourceTag/${CA_ENABLED_TAG}`, 'true') })])).toEqual([]);
  });

  it('flags tag writes open to any key and without the Null guard', () => {
    const anyKey = setDesired({
      Action: 'autoscaling:CreateOrUpdateTags',
      Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['*'] } },
    });
    expect(unrestrictedTagWrites([anyKey])).toHaveLength(2);
  });
});

describe('function packages', () => {
  it.each(FUNCTIONS)('%s.zip holds the config file and the bundled .mjs handler', (name) => {
    const dir = unzipped.get(name)!;
    const files = filesUnder(dir);
    const configInZip = functionEnv(template, name).CAPACITY_GUARD_CONFIG!.slice(LAMBDA_TASK_ROOT.length);

    expect(files).toContain(configInZip);
    expect(files).toContain(handlerFile(template, name));
    expect(files.filter((f) => f.includes('node_modules/'))).toEqual([]);

    const zipSize = statSync(join(dirname(templatePath), `${name}.zip`)).size;
    const bundleSize = statSync(join(dir, handlerFile(template, name))).size;
    console.log(`${name}: zip ${kib(zipSize)}, ${handlerFile(template, name)} ${kib(bundleSize)} (${files.length} files)`);
  });

  it.each(FUNCTIONS)('%s handler imports under plain Node ESM and exports handler()', (name) => {
    const dir = unzipped.get(name)!;
    // The function's own variables, with /var/task/ pointing at the unzipped package.
    const env = Object.fromEntries(
      Object.entries(functionEnv(template, name)).map(([key, value]) => [
        key,
        value.startsWith(LAMBDA_TASK_ROOT) ? join(dir, value.slice(LAMBDA_TASK_ROOT.length)) : value,
      ]),
    );
    const entry = pathToFileURL(join(dir, handlerFile(template, name))).href;
    const script = `import(${JSON.stringify(entry)})` + `.then(m => { if (typeof m.handler !== 'function') process.exit(3) })`;
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-3', LAMBDA_TASK_ROOT: dir, ...env },
    });
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('a cold-start error in a minified bundle keeps its class name and maps its stack to the TypeScript source', () => {
    const dir = unzipped.get('failover')!;
    const env: Record<string, string> = { ...functionEnv(template, 'failover'), CAPACITY_GUARD_CONFIG: join(dir, 'no-such-config.yml') };
    expect(env.NODE_OPTIONS).toContain('--enable-source-maps');
    const entry = pathToFileURL(join(dir, handlerFile(template, 'failover'))).href;
    const run = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(entry)})`], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-3', LAMBDA_TASK_ROOT: dir, ...env },
    });

    expect(run.status).not.toBe(0);
    // Node prints the minified constructor and the error's name: `yr [ConfigError]: …`; Lambda and Powertools log the name.
    expect(run.stderr).toMatch(/\[ConfigError\]: .*no-such-config\.yml: cannot read config file/);
    expect(run.stderr).toMatch(/at loadPolicy \(.*lib\/config\/load\.ts:\d+:\d+\)/);
  });
});

describe('observability and Slack access (issue 4)', () => {
  // Every action kind that reaches Slack (describe.ts), every alert code and every signal kind:
  // a new one fails this test until the dashboard shows it.
  const ALERT_CODES = { 'no-fallback-capacity': 1, 'change-budget-exhausted': 1, 'kill-switch': 1, 'needs-operator': 1, 'unknown-failure': 1 } satisfies Record<
    Alert['code'],
    1
  >;
  const COUNTED_SIGNALS = {
    'launch-failure': 1,
    'launch-success': 1,
    'spot-interruption': 1,
    'rebalance-recommendation': 1,
    'instance-state-change': 1,
  } satisfies Record<Exclude<Signal['kind'], 'tick'>, 1>;
  const APP_METRICS = [
    ...Object.keys(KINDS)
      .filter((kind) => kind !== 'alert')
      .map((kind) => `action.${kind}`),
    ...Object.keys(ALERT_CODES).map((code) => `alert.${code}`),
    ...Object.keys(COUNTED_SIGNALS).map((kind) => `signal.${kind}`),
    'signal.foreign-group',
    'spot.ignored',
    'spot.storm',
    'action.failed',
    'record.ignored',
    'record.invalid',
    'lock.busy',
    'failover.latency',
    'groups.out-of-rotation',
    'notify.sent',
    'notify.failed',
    'action.scheduled-downscale',
    'action.scheduled-restore',
    'action.scheduled-release',
    'downscaler.skipped',
    'downscaler.invalid_tags',
  ];

  /** Every Lambda function of the template, by logical id (not the hand-kept FUNCTIONS list). */
  const lambdaFunctions = () => resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);

  /** Queues some queue's RedrivePolicy sends to: every one needs an alarm. */
  function deadLetterQueues(): string[] {
    return resourcesOfType(template, 'AWS::SQS::Queue').flatMap(([, queue]) => {
      const target = (props(queue).RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': [string, string] } } | undefined)?.deadLetterTargetArn;
      return target ? [target['Fn::GetAtt'][0]] : [];
    });
  }

  function alarms(): Record<string, Json>[] {
    return resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => props(alarm));
  }

  const alarmActions = { 'Fn::If': ['HasAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }] };

  it('alarms on every dead-letter queue holding a message', () => {
    expect(deadLetterQueues().length).toBeGreaterThan(0);
    for (const queue of deadLetterQueues()) {
      expect(alarms(), queue).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: alarmActions,
        }),
      );
    }
  });

  it('alarms when an event waits more than a minute in any source queue (throttling is no error)', () => {
    const sources = resourcesOfType(template, 'AWS::SQS::Queue')
      .filter(([, queue]) => props(queue).RedrivePolicy !== undefined)
      .map(([id]) => id);
    expect(sources.sort()).toEqual(['LaunchEventsQueue', 'SharedSignalsQueue', 'SignalsRelayQueue', 'SpotEventsQueue']);
    for (const queue of sources) {
      expect(alarms(), queue).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          Statistic: 'Maximum',
          Threshold: 60,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: alarmActions,
        }),
      );
    }
  });

  it('alarms on errors of every function', () => {
    expect(lambdaFunctions().sort()).toEqual(FUNCTIONS.map(functionLogicalId).sort());
    for (const id of lambdaFunctions()) {
      expect(alarms(), id).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: alarmActions,
        }),
      );
    }
  });

  it('sends alarm actions to the alarmTopicArn parameter only when one is given', () => {
    const parameters = (template as unknown as { Parameters: Record<string, { Default: string }> }).Parameters;
    expect(parameters.AlarmTopicArn?.Default).toBe('');
    const conditions = (template as unknown as { Conditions: Record<string, Json> }).Conditions;
    expect(conditions.HasAlarmTopic).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, ''] }] });
  });

  it('has a dashboard of the app metrics, the dead-letter queues and the functions', () => {
    const dashboards = resourcesOfType(template, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = (props(dashboards[0]![1]).DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    const references = [...body.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]);
    const parsed = JSON.parse(body.replace(/\$\{[^}]+\}/g, 'x')) as { widgets: { properties: { metrics: Json[][] } }[] };
    const metricNames = parsed.widgets.flatMap((widget) => widget.properties.metrics.map((metric) => `${metric[0]} ${metric[1]}`));
    for (const name of APP_METRICS) expect(metricNames, name).toContain(`CapacityGuard ${name}`);
    for (const queue of deadLetterQueues()) expect(references).toContain(`${queue}.QueueName`);
    for (const id of lambdaFunctions()) expect(references).toContain(id);
    // Every ${...} is a pseudo parameter or a resource of this template (Fn::Sub would fail the deploy otherwise).
    for (const reference of references) expect(reference!.startsWith('AWS::') || reference!.split('.')[0]! in template.Resources, reference).toBe(true);
  });

  it('lets the functions read exactly the SSM parameters the config routes Slack to, nothing else of SSM', async () => {
    const { routeParameters } = await import('../../lib/config/notify-schema');
    const configFile = functionEnv(template, 'failover').CAPACITY_GUARD_CONFIG!.slice(LAMBDA_TASK_ROOT.length);
    const names = routeParameters(loadPolicy(join(ROOT, configFile), { env: {} }).notifications);
    expect(names.length).toBeGreaterThan(0);

    const ssm = statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('ssm:')));
    expect(ssm.map((s) => [s.Effect, asArray(s.Action)])).toEqual([['Allow', ['ssm:GetParameter']]]);
    const arns = asArray(ssm[0]!.Resource as Json[]).map((arn) => (arn as { 'Fn::Sub': string })['Fn::Sub']);
    expect(arns.sort()).toEqual(names.map((name) => `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`).sort());
  });

  it('limits the notification items in the lease table to notify#* keys', () => {
    const folds = statements.find((s) => s.Sid === 'NotificationFolds');
    expect(folds?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['notify#*'] } });
  });

  it('limits every grant on the lease table to key prefixes (the lease item, notify#*), so neither widens the other', () => {
    const onLeaseTable = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify([arnOf('WritersLeaseTable')]));
    expect(onLeaseTable.map((s) => s.Sid).sort()).toEqual(['NotificationFolds', 'WritersLease']);
    const leadingKeys = onLeaseTable.map((s) => Object.values(s.Condition ?? {}).map((keys) => keys['dynamodb:LeadingKeys']));
    expect(leadingKeys.map((keys) => keys.length)).toEqual([1, 1]);
    expect(statements.find((s) => s.Sid === 'WritersLease')?.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['writers'] } });
  });
});

describe('spot events: EventBridge rules (aws.ec2) -> SQS queue -> spot; sweep; pool store (issue 3)', () => {
  it('subscribes to the interruption warning and rebalance recommendation, and to state changes only for the four ending states', () => {
    const rule = props(resource(template, 'SpotEventsRule'));
    expect(rule.EventPattern).toEqual({
      account: [{ Ref: 'AWS::AccountId' }],
      source: ['aws.ec2'],
      'detail-type': ['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation'],
    });
    const states = props(resource(template, 'SpotStateChangeRule'));
    expect(states.EventPattern).toEqual({
      account: [{ Ref: 'AWS::AccountId' }],
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['shutting-down', 'terminated', 'stopping', 'stopped'] },
    });
    for (const r of [rule, states]) {
      expect(r.EventBusName ?? 'default').toBe('default');
      expect((r.Targets as { Arn: Json }[]).map((t) => t.Arn)).toEqual([arnOf('SpotEventsQueue')]);
    }
  });

  it('lets only those two rules send to the queue, which redrives to an encrypted DLQ', () => {
    const policy = props(resource(template, 'SpotEventsQueuePolicy'));
    expect((policy.PolicyDocument as { Statement: PolicyStatement[] }).Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arnOf('SpotEventsQueue'),
        Condition: { ArnEquals: { 'aws:SourceArn': [arnOf('SpotEventsRule'), arnOf('SpotStateChangeRule')] } },
      }),
    ]);
    const queue = props(resource(template, 'SpotEventsQueue'));
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf('SpotEventsDLQ'), maxReceiveCount: 5 });
    expect(props(resource(template, 'SpotEventsDLQ')).SqsManagedSseEnabled).toBe(true);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (props(resource(template, functionLogicalId('spot'))).Timeout as number));
  });

  it('feeds the spot function large batches with partial batch responses, the window well inside the 2-minute notice', () => {
    const mapping = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
      .map(([, r]) => props(r))
      .find((m) => JSON.stringify(m.EventSourceArn) === JSON.stringify(arnOf('SpotEventsQueue')));
    expect(mapping).toMatchObject({
      FunctionName: arnOf(functionLogicalId('spot')),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
    });
    expect(mapping!.MaximumBatchingWindowInSeconds as number).toBeLessThanOrEqual(10);
  });

  it('runs retire every minute with the pool store table; its termination is guarded like every Auto Scaling write', () => {
    const rules = eventRulesWithSchedule(template, 'rate(1 minute)').filter((r) => JSON.stringify(props(r).Targets).includes(functionLogicalId('retire')));
    expect(rules.flatMap((r) => (props(r).Targets as { Arn: Json }[]).map((t) => t.Arn))).toEqual([arnOf(functionLogicalId('retire'))]);
    expect(functionEnv(template, 'retire').CAPACITY_GUARD_SIGNALS_TABLE).toBe('CapacitySignalsTable');
    const terminate = statements.filter((statement) => asArray(statement.Action).includes('autoscaling:TerminateInstanceInAutoScalingGroup'));
    expect(terminate.length).toBeGreaterThan(0);
    for (const statement of terminate) expect(requiresClusterAutoscalerTag(statement)).toBe(true);
    // Generated per configured cluster (scripts/serverless/asg-iam.cjs), attached to the retire role alone.
    expect(terminate).toEqual(attachedPolicyStatements(template, 'ClusterGroupTerminatePolicy'));
    expect(props(resource(template, 'ClusterGroupTerminatePolicy')).Roles).toEqual([{ Ref: 'RetireRole' }]);
  });

  it('runs the sweep every 5 minutes; both spot functions know the pool store table, which has a TTL', () => {
    const rules = eventRulesWithSchedule(template, 'rate(5 minutes)').filter((r) => JSON.stringify(props(r).Targets).includes(functionLogicalId('spotSweep')));
    expect(rules.flatMap((r) => (props(r).Targets as { Arn: Json }[]).map((t) => t.Arn))).toEqual([arnOf(functionLogicalId('spotSweep'))]);
    for (const name of ['failover', 'spot', 'spotSweep']) expect(functionEnv(template, name).CAPACITY_GUARD_SIGNALS_TABLE).toBe('CapacitySignalsTable');
    const table = props(resource(template, 'CapacitySignalsTable'));
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('limits ec2:CreateTags/DeleteTags to capacity-guard/* keys on instances whose tags name a cluster of the config', async () => {
    const configFile = functionEnv(template, 'spot').CAPACITY_GUARD_CONFIG!.slice(LAMBDA_TASK_ROOT.length);
    const clusters = loadPolicy(join(ROOT, configFile), { env: {} }).clusters.map((cluster) => cluster.name);
    expect(clusters.length).toBeGreaterThan(0);

    const tagging = statements.filter((s) => asArray(s.Action).some((a) => a === 'ec2:CreateTags' || a === 'ec2:DeleteTags'));
    // All of them in the managed policy generated by scripts/serverless/spot-iam.cjs, attached to the spot and sweep roles.
    expect(tagging).toEqual(attachedPolicyStatements(template, 'SpotInstanceTagsPolicy'));
    expect(props(resource(template, 'SpotInstanceTagsPolicy')).Roles).toEqual([{ Ref: 'SpotRole' }, { Ref: 'SpotSweepRole' }, { Ref: 'RetireRole' }]);
    // The queue delivers only once the policy is attached (a first deploy during a storm).
    expect((resource(template, 'SpotEventSourceMappingSQSSpotEventsQueue') as CfnResource & { DependsOn?: string[] }).DependsOn).toContain(
      'SpotInstanceTagsPolicy',
    );
    for (const statement of tagging) {
      expect(statement.Effect).toBe('Allow');
      expect(asArray(statement.Action).sort()).toEqual(['ec2:CreateTags', 'ec2:DeleteTags']);
      expect(JSON.stringify(statement.Resource)).toContain(':instance/*');
      expect(statement.Condition?.['ForAllValues:StringLike']).toEqual({ 'aws:TagKeys': ['capacity-guard/*'] });
      expect(statement.Condition?.Null?.['aws:TagKeys']).toBe('false');
    }
    // Per cluster, never "any Auto Scaling instance": each statement names the config's clusters.
    const scopes = tagging.map((statement) => {
      const { 'aws:TagKeys': _keys, ...present } = statement.Condition?.Null ?? {};
      return { present: Object.keys(present), equals: statement.Condition?.StringEquals ?? {} };
    });
    expect(scopes).toEqual([
      ...clusters.flatMap((name) => [
        { present: [`aws:ResourceTag/k8s.io/cluster-autoscaler/${name}`], equals: {} },
        { present: [`aws:ResourceTag/kubernetes.io/cluster/${name}`], equals: {} },
      ]),
      { present: [], equals: { 'aws:ResourceTag/eks:cluster-name': clusters } },
      { present: [], equals: { 'aws:ResourceTag/KubernetesCluster': clusters } },
    ]);
  });

  it('lets the sweep terminate only detached instances (no group, a detach drain tag) of the configured clusters', async () => {
    const { DETACHED_DRAIN_REASONS } = await import('../../lib/spot/sweep');
    const configFile = functionEnv(template, 'spotSweep').CAPACITY_GUARD_CONFIG!.slice(LAMBDA_TASK_ROOT.length);
    const clusters = loadPolicy(join(ROOT, configFile), { env: {} }).clusters.map((cluster) => cluster.name);

    const terminate = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('ec2:Terminate') || a === 'ec2:*'));
    // All of them in the managed policy generated by scripts/serverless/spot-iam.cjs, attached to the sweep's role.
    expect(terminate).toEqual(attachedPolicyStatements(template, 'SpotTerminateDetachedPolicy'));
    expect(props(resource(template, 'SpotTerminateDetachedPolicy')).Roles).toEqual([{ Ref: 'SpotSweepRole' }]);
    // One Allow: never a node still in a group (Auto Scaling removes aws:autoscaling:groupName on detach), only our detach reasons.
    expect(terminate.filter((s) => s.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Action: 'ec2:TerminateInstances',
        Condition: {
          StringEquals: { 'aws:ResourceTag/capacity-guard/drain': [...DETACHED_DRAIN_REASONS] },
          Null: { 'aws:ResourceTag/aws:autoscaling:groupName': 'true' },
        },
      }),
    ]);
    expect(JSON.stringify(terminate[0]!.Resource)).toContain(':instance/*');
    // One Deny of every instance that names none of the configured clusters, as the code's ownership check.
    expect(terminate.filter((s) => s.Effect === 'Deny')).toEqual([
      expect.objectContaining({
        Action: 'ec2:TerminateInstances',
        Condition: {
          Null: Object.fromEntries(
            clusters.flatMap((name) => [
              [`aws:ResourceTag/k8s.io/cluster-autoscaler/${name}`, 'true'],
              [`aws:ResourceTag/kubernetes.io/cluster/${name}`, 'true'],
            ]),
          ),
          StringNotEquals: { 'aws:ResourceTag/eks:cluster-name': clusters, 'aws:ResourceTag/KubernetesCluster': clusters },
        },
      }),
    ]);
  });

  it('guards DetachInstances with the cluster-autoscaler tag, PutEvents to the drain buses, DescribeInstances alone on "*"', () => {
    expect(statements.flatMap((s) => asArray(s.Action))).toContain('autoscaling:DetachInstances');
    expect(unguardedAutoScalingWrites(statements)).toEqual([]);
    const put = statements.filter((s) => s.Effect === 'Allow' && asArray(s.Action).includes('events:PutEvents'));
    // The drain buses (spot and retirement publish "Node Drain Requested"), and the shared signals' configured
    // buses (scripts/serverless/shared-signals.cjs), never "*".
    const shared = loadPolicy(join(ROOT, functionEnv(template, 'failover').CAPACITY_GUARD_CONFIG!.slice(LAMBDA_TASK_ROOT.length)), { env: {} }).sharedSignals!;
    const signalBuses = JSON.stringify(
      shared.accounts.map((account) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:${account}:event-bus/${shared.busName}` })),
    );
    const drain = put.filter((s) => JSON.stringify(s.Resource).includes(':event-bus/capacity-guard-drain-*'));
    const signals = put.filter((s) => JSON.stringify(s.Resource) === signalBuses);
    expect(drain.length).toBeGreaterThan(0);
    expect(signals).toHaveLength(1);
    expect(drain.length + signals.length).toBe(put.length);
    expect(put.every((s) => s.Effect === 'Allow' && !JSON.stringify(s.Resource).includes('event-bus/*"'))).toBe(true);
    const onAny = statements
      .filter(allowsAnyResource)
      .flatMap((s) => asArray(s.Action))
      .filter((a) => a.startsWith('ec2:'));
    expect([...new Set(onAny)].sort()).toEqual(['ec2:DescribeAvailabilityZones', 'ec2:DescribeInstances', 'ec2:DescribeLaunchTemplateVersions']);
  });
});

describe('shared capacity signals (issue 14)', () => {
  it('lets only the allowlisted accounts put events on the signals bus, and routes only theirs to the queue with a DLQ', () => {
    const configFile = functionEnv(template, 'sharedSignals').CAPACITY_GUARD_CONFIG!.slice(LAMBDA_TASK_ROOT.length);
    const shared = loadPolicy(join(ROOT, configFile), { env: {} }).sharedSignals!;
    expect(shared.accounts.length).toBeGreaterThan(0);
    const policy = props(resource(template, 'SharedSignalsBusPolicy'));
    expect(policy.EventBusName).toEqual({ Ref: 'SharedSignalsBus' });
    const statement = policy.Statement as PolicyStatement & { Principal: Json };
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 'events:PutEvents', Resource: arnOf('SharedSignalsBus') });
    expect(statement.Principal).toEqual({ AWS: shared.accounts.map((account) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:root` })) });
    const rule = props(resource(template, 'SharedSignalsRule'));
    expect(rule.EventBusName).toEqual({ Ref: 'SharedSignalsBus' });
    expect(rule.EventPattern).toEqual({ account: shared.accounts, source: ['capacity-guard.signals'], 'detail-type': ['Capacity Pool Signal'] });
    expect(rule.Targets).toEqual([{ Id: 'shared-signals-queue', Arn: arnOf('SharedSignalsQueue') }]);
    expect(props(resource(template, 'SharedSignalsQueue')).RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf('SharedSignalsDLQ'), maxReceiveCount: 5 });
  });

  it('scopes the bus policy to the organization with aws:PrincipalOrgID when no accounts are listed', async () => {
    const { busPolicy, sharedSignalsOf } = (await import(pathToFileURL(join(ROOT, 'scripts/serverless/shared-signals.cjs')).href)).default as {
      busPolicy: (shared: unknown) => PolicyStatement & { Principal: Json };
      sharedSignalsOf: (text: string) => unknown;
    };
    const statement = busPolicy(sharedSignalsOf('sharedSignals:\n  organizationId: o-a1b2c3d4e5\n'));
    expect(statement.Principal).toBe('*');
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } });
    expect(() => sharedSignalsOf('sharedSignals:\n  accounts: [123]\n')).toThrow(/12-digit/);
  });

  it("routes the members' signals to a relay whose rule is disabled unless the config relays, and whose PutEvents go only to the relay's destinations", async () => {
    const rule = props(resource(template, 'SignalsRelayRule'));
    expect(rule.EventBusName).toEqual({ Ref: 'SharedSignalsBus' });
    expect(rule.State).toBe('DISABLED'); // the example config has no sharedSignals.relay
    expect(rule.Targets).toEqual([{ Id: 'signals-relay-queue', Arn: arnOf('SignalsRelayQueue') }]);
    expect(props(resource(template, 'SignalsRelayQueue')).RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf('SignalsRelayDLQ'), maxReceiveCount: 5 });
    const { relayPublish, sharedSignalsOf } = (await import(pathToFileURL(join(ROOT, 'scripts/serverless/shared-signals.cjs')).href)).default as {
      relayPublish: (shared: unknown) => PolicyStatement;
      sharedSignalsOf: (text: string) => unknown;
    };
    const bus = (account: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:${account}:event-bus/capacity-guard-signals` });
    const central = sharedSignalsOf("sharedSignals:\n  accounts: ['111111111111', '222222222222']\n  relay: { to: peers }\n");
    expect(relayPublish(central)).toEqual({
      Sid: 'SignalsRelayPublish',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: [bus('111111111111'), bus('222222222222')],
    });
    expect(relayPublish(sharedSignalsOf("sharedSignals:\n  accounts: ['111111111111']\n")).Effect).toBe('Deny');
  });
});
