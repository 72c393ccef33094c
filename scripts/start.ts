/**
 * `npm start`: the operators' worst night on the built-in simulator, no AWS account needed —
 * `capacity-guard simulate tv-peak` (extra arguments are passed on, e.g. `npm start -- --json`).
 */
import { main } from '../lib/cli/main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await main(['simulate', 'tv-peak', ...process.argv.slice(2)]);
