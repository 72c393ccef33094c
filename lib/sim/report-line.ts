/**
 * A Slack message as one short line for the simulator's timeline: its severity and its
 * notification text (the summary header the channel shows).
 */
import type { SlackMessage } from '../notify/message';

export function describeMessage(message: SlackMessage): string {
  return `[${message.severity}] ${message.text}`;
}
