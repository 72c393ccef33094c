/** A config with the downscaler on, a production cluster and a staging cluster up on office hours (Paris). */
export function officeHoursConfig(options: { grace?: string } = {}): string {
  return `downscaler:
  enabled: true${options.grace ? `\n  grace: ${options.grace}` : ''}
clusters:
  - name: prod
    priorities: '10: [".*"]'
  - name: staging
    priorities: '10: [".*"]'
    downscaler:
      staging: true
      uptime: Mon-Fri 07:30-20:30 Europe/Paris
`;
}
