/**
 * `npm start [-- <scenario>] [-- options]`: a night on the built-in simulator, no AWS account
 * needed — `capacity-guard simulate <scenario>`, tv-peak when no scenario is named (the operators'
 * worst night); e.g. `npm start -- dozen-asgs`, `npm start -- --json`.
 */
import { main } from '../lib/cli/main';
import { startCommandLine } from '../lib/cli/simulate';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await main(startCommandLine(process.argv.slice(2)));
