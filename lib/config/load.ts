/**
 * Reads, validates and resolves the config file. Every error names the file and the field;
 * nothing starts half-configured.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CapacityGuardError, ConfigError } from '../vocabulary/errors';
import { describeIssues } from '../parse/zod-issues';
import { type PriorityRule, parsePriorities, rulesFrom } from '../cluster-autoscaler/expander';
import { resolveDownscaler } from './downscaler-schema';
import { resolveNotifications } from './notify-schema';
import { resolveRetire } from './retire-schema';
import type { Policy } from './policy';
import { type ConfigFile, ConfigSchema } from './schema';
import { resolveSharedSignals } from './shared-signals-schema';
import { resolveSpotPolicy } from './spot-schema';

export const CONFIG_PATH_VARIABLE = 'CAPACITY_GUARD_CONFIG';
/** Set to "on" on the function to stop every write without a redeploy. */
export const KILL_SWITCH_VARIABLE = 'CAPACITY_GUARD_KILL_SWITCH';

const KILL_SWITCH_ON = new Set(['on', 'true', '1', 'yes', 'enabled']);
const KILL_SWITCH_OFF = new Set(['', 'off', 'false', '0', 'no', 'disabled']);

/**
 * The usual spellings, trimmed, any case. A value we cannot read means ON: someone reached for the
 * switch, and a typo must neither crash-loop every function nor leave them writing.
 */
export function readKillSwitch(raw: string | undefined): { on: boolean; unreadable?: string } {
  const value = (raw ?? '').trim().toLowerCase();
  if (KILL_SWITCH_OFF.has(value)) return { on: false };
  if (KILL_SWITCH_ON.has(value)) return { on: true };
  return { on: true, unreadable: `${KILL_SWITCH_VARIABLE}=${JSON.stringify((raw ?? '').slice(0, 40))}` };
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const path = env[CONFIG_PATH_VARIABLE];
  if (!path) throw new ConfigError(`${CONFIG_PATH_VARIABLE} is not set: point it at the capacity-guard YAML config file`);
  return path;
}

export function loadPolicy(path: string, options: LoadOptions = {}): Policy {
  const readFile = options.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ConfigError(`${path}: cannot read config file: ${(error as Error).message}`, { cause: error });
  }
  return policyFromText(text, path, options);
}

export function policyFromText(text: string, path: string, options: LoadOptions = {}): Policy {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ConfigSchema.safeParse(document ?? {});
  if (!parsed.success) throw new ConfigError(`${path}: ${describeIssues(parsed.error)}`);
  return resolvePolicy(parsed.data, path, options);
}

function resolvePolicy(config: ConfigFile, path: string, options: LoadOptions): Policy {
  const env = options.env ?? process.env;
  const killSwitch = readKillSwitch(env[KILL_SWITCH_VARIABLE]);
  return {
    enabled: config.enabled && !killSwitch.on,
    ...(killSwitch.unreadable === undefined ? {} : { killSwitchUnreadable: killSwitch.unreadable }),
    dryRun: config.dryRun,
    backoff: {
      initialMs: config.backoff.initial,
      multiplier: config.backoff.multiplier,
      maxMs: config.backoff.max,
      resetAfterMs: config.backoff.resetAfter,
    },
    changeBudget: { maxSuspensionsPerWindow: config.changeBudget.maxSuspensionsPerWindow, windowMs: config.changeBudget.window },
    pools: { outForMs: config.pools.outFor, probeTiers: config.pools.probeTiers },
    unknownFailures: { suspendAfter: config.unknownFailures.suspendAfter, windowMs: config.unknownFailures.window },
    reconcile: {
      eventGraceMs: config.reconcile.eventGrace,
      lookbackMs: config.reconcile.lookback,
      maxActivityLookups: config.reconcile.maxActivityLookups,
    },
    eventTime: { skewMs: config.eventTime.skew, lookbackMs: config.eventTime.lookback },
    clusters: config.clusters.map((cluster, index) => ({
      name: cluster.name,
      enabled: cluster.enabled,
      mode: cluster.mode ?? config.mode,
      rules: clusterRules(cluster, index, path),
    })),
    downscaler: resolveDownscaler(config.downscaler, config.clusters),
    notifications: resolveNotifications(config.notifications),
    spot: resolveSpotPolicy(
      config.spot,
      config.clusters.map((cluster) => cluster.name),
      path,
    ),
    retire: resolveRetire(config.retire),
    sharedSignals: resolveSharedSignals(config.sharedSignals),
  };
}

function clusterRules(cluster: ConfigFile['clusters'][number], index: number, path: string): PriorityRule[] {
  try {
    return typeof cluster.priorities === 'string' ? parsePriorities(cluster.priorities) : rulesFrom(cluster.priorities);
  } catch (error) {
    const reason = error instanceof CapacityGuardError ? error.message : String(error);
    throw new ConfigError(`${path}: clusters.${index}.priorities (cluster ${cluster.name}): ${reason}`, { cause: error });
  }
}
