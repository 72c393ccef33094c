/**
 * The `sharedSignals:` section: capacity signals shared with the other accounts of the region
 * (lib/shared-signals). Off unless listed.
 *
 *   sharedSignals:
 *     accounts: ['111111111111', '222222222222']  # peers: whose signals we accept, whose buses we send to
 *     organizationId: o-a1b2c3d4e5               # or: accept any account of the organization (bus policy aws:PrincipalOrgID)
 *     busName: capacity-guard-signals             # each account's receiving bus (the same name everywhere)
 *     publishTo: peers                            # peers | [bus ARNs] (e.g. one central bus, see README)
 *     publishInterval: 1m                         # at most one publication per pool in this interval
 *     poolLifetime: 10m                           # a received signal marks its pool out this long, refreshed by new evidence
 *     poolLifetimeCap: 30m                        # ... never longer than this after the first evidence
 *     relayAccount: '999999999999'                # a member of a central bus: signals relayed by this account are accepted
 *     relay: { to: peers }                        # the central account: relay what its bus receives to the peers' buses
 */
import * as z from 'zod';
import { durationSchema } from './duration';

const duration = durationSchema('"30s", "1m", "10m"');
const account = z.string().regex(/^\d{12}$/, 'an AWS account id: 12 digits');
const busArn = z.string().regex(/^arn:aws[\w-]*:events:[\w-]+:\d{12}:event-bus\/[\w.\-/]+$/, 'an event bus ARN');

export const DEFAULT_SIGNALS_BUS = 'capacity-guard-signals';

export const SharedSignalsSchema = z
  .object({
    accounts: z.array(account).default([]),
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'an organization id such as o-a1b2c3d4e5')
      .optional(),
    busName: z
      .string()
      .regex(/^[\w.-]{1,256}$/, 'an event bus name')
      .default(DEFAULT_SIGNALS_BUS),
    publishTo: z.union([z.literal('peers'), z.array(busArn).min(1)]).default('peers'),
    publishInterval: duration.default(60_000),
    poolLifetime: duration.default(600_000),
    poolLifetimeCap: duration.default(1_800_000),
    relayAccount: account.optional(),
    relay: z
      .object({ to: z.union([z.literal('peers'), z.array(busArn).min(1)]).default('peers') })
      .strict()
      .optional(),
  })
  .strict()
  .refine((shared) => shared.accounts.length > 0 || shared.organizationId !== undefined, {
    message: 'list the peer accounts, or an organizationId',
    path: ['accounts'],
  })
  .refine((shared) => shared.poolLifetimeCap >= shared.poolLifetime, { message: 'poolLifetimeCap must be at least poolLifetime', path: ['poolLifetimeCap'] })
  // The bus policy lets only the listed accounts (or the organization) put events: the relay must be one of them.
  .refine((shared) => !shared.relayAccount || shared.accounts.includes(shared.relayAccount) || (shared.accounts.length === 0 && !!shared.organizationId), {
    message: 'relayAccount must be one of sharedSignals.accounts (its PutEvents pass the bus policy only then)',
    path: ['relayAccount'],
  })
  .optional();

export type SharedSignalsConfig = z.output<typeof SharedSignalsSchema>;

export interface SharedSignalsPolicy {
  /** Accounts whose signals are accepted (empty with an organization: any of its accounts). */
  accounts: readonly string[];
  organizationId: string | null;
  busName: string;
  /** 'peers': every allowlisted account's bus of the same name in this region; else these bus ARNs. */
  publishTo: 'peers' | readonly string[];
  publishIntervalMs: number;
  poolLifetimeMs: number;
  poolLifetimeCapMs: number;
  /** The central account whose relayed signals are accepted (null: none are). */
  relayAccount: string | null;
  /** This account relays: where to (null: it does not). */
  relay: { to: 'peers' | readonly string[] } | null;
}

export function resolveSharedSignals(config: SharedSignalsConfig): SharedSignalsPolicy | null {
  if (!config) return null;
  return {
    accounts: [...new Set(config.accounts)],
    organizationId: config.organizationId ?? null,
    busName: config.busName,
    publishTo: config.publishTo,
    publishIntervalMs: config.publishInterval,
    poolLifetimeMs: config.poolLifetime,
    poolLifetimeCapMs: config.poolLifetimeCap,
    relayAccount: config.relayAccount ?? null,
    relay: config.relay ?? null,
  };
}

/** The buses a stack in `own` account and `region` sends to: never its own. */
export function destinationBuses(
  policy: SharedSignalsPolicy,
  own: { account: string; region: string },
  publishTo: SharedSignalsPolicy['publishTo'] = policy.publishTo,
): string[] {
  if (publishTo !== 'peers') return [...publishTo].filter((arn) => arn.split(':')[4] !== own.account);
  return policy.accounts.filter((peer) => peer !== own.account).map((peer) => `arn:aws:events:${own.region}:${peer}:event-bus/${policy.busName}`);
}

/** Where a central account's relay sends a signal: its relay targets, never the signal's origin nor itself. */
export function relayBuses(policy: SharedSignalsPolicy, own: { account: string; region: string }, origin: string): string[] {
  if (!policy.relay) return [];
  return destinationBuses(policy, own, policy.relay.to).filter((arn) => arn.split(':')[4] !== origin);
}
