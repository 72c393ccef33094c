/**
 * Slack webhook URLs are secrets: the config names SSM SecureString parameters, and this reads
 * their values (cached) at run time. Callers log the parameter name, never the value.
 */
export type WebhookUrls = (parameterName: string) => Promise<string>;

/** For tests and the CLI: fixed values by parameter name. */
export function fixedWebhookUrls(urls: Record<string, string>): WebhookUrls {
  return async (name) => {
    const url = urls[name];
    if (url === undefined) throw new Error(`no webhook URL for parameter ${name}`);
    return url;
  };
}
