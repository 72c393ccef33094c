/**
 * The `notifications` section: where Slack messages go and how hard we try. Only the NAMES of
 * SSM Parameter Store parameters live here; the webhook URLs are SecureString values read at run
 * time, so nothing secret is in the config file, the package or the logs.
 */
import * as z from 'zod';
import { durationSchema } from './duration';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const duration = (fallbackMs: number) => durationSchema('"5s", "10m"').default(fallbackMs);

// SSM parameter names: letters, digits and _.-/ (a hierarchy starts with "/"), at most 1011 characters.
const parameterName = z
  .string()
  .refine((name) => !/^[a-z]+:\/\//i.test(name), {
    message: 'this looks like a URL: store the webhook URL in an SSM SecureString parameter and name the parameter here',
  })
  .refine((name) => /^[a-z]+:\/\//i.test(name) || /^[A-Za-z0-9_.\-/]{1,1011}$/.test(name), {
    message: 'an SSM parameter name: letters, digits, "_", ".", "-", "/"',
  });

const routeList = z.array(parameterName).default([]);

export const NotificationsSchema = z
  .object({
    /** Per severity, the SSM SecureString parameters holding the Slack incoming-webhook URLs. */
    routes: z.object({ info: routeList, warning: routeList, critical: routeList }).strict().prefault({}),
    /** The same incident again within this window is counted, not sent again. */
    foldWindow: duration(600_000),
    /** One HTTP request to Slack. */
    timeout: duration(3_000),
    /** Retries after the first attempt (429 honours Retry-After; 5xx and network errors back off). */
    maxRetries: z.number().int().min(0).max(5).default(2),
    /** How long a webhook URL read from SSM is cached. */
    cache: duration(300_000),
  })
  .strict()
  .prefault({});

export type NotificationsFile = z.output<typeof NotificationsSchema>;

export interface NotificationPolicy {
  routes: Record<Severity, readonly string[]>;
  foldWindowMs: number;
  timeoutMs: number;
  maxRetries: number;
  cacheMs: number;
}

export function resolveNotifications(file: NotificationsFile): NotificationPolicy {
  return { routes: file.routes, foldWindowMs: file.foldWindow, timeoutMs: file.timeout, maxRetries: file.maxRetries, cacheMs: file.cache };
}

/** Every parameter any route names, once (IAM grants exactly these). */
export function routeParameters(policy: Pick<NotificationPolicy, 'routes'>): string[] {
  return [...new Set(SEVERITIES.flatMap((severity) => policy.routes[severity]))];
}
