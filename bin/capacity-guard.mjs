#!/usr/bin/env node
// capacity-guard CLI: runs lib/cli/main.ts through tsx, from any working directory.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The SDK's multi-line "node >=22 soon" warning would break the one-line error contract.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
register({ tsconfig: existsSync(tsconfig) ? tsconfig : false });

const { main } = await import(new URL('../lib/cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
