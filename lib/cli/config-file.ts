/** The config file of the commands that read AWS: found, read and validated, or one line and exit 2. */
import { CONFIG_PATH_VARIABLE, policyFromText } from '../config/load';
import type { Policy } from '../config/policy';
import { CapacityGuardError } from '../vocabulary/errors';
import { type CliIo, EXIT_USAGE, describeReadError, isMissingFile, usageError, writeError } from './io';

/** Found last: so the commands run from a checkout as is. */
export const DEFAULT_CONFIG = 'capacity-guard.example.yml';

/** The policy, or the exit code after a one-line error naming `command`. */
export async function loadCliConfig(io: CliIo, command: string, option: string | undefined): Promise<Policy | number> {
  const fromEnv = io.env[CONFIG_PATH_VARIABLE] || undefined;
  const path = option ?? fromEnv ?? DEFAULT_CONFIG;
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    if (option === undefined && fromEnv === undefined && isMissingFile(error)) {
      return usageError(io, command, `no config file: pass --config <file> or set ${CONFIG_PATH_VARIABLE} (no ${DEFAULT_CONFIG} in the current directory)`);
    }
    writeError(io, `${command}: ${path}: cannot read config file: ${describeReadError(error)}`);
    return EXIT_USAGE;
  }
  try {
    return policyFromText(text, path, { env: io.env });
  } catch (error) {
    if (!(error instanceof CapacityGuardError)) throw error;
    writeError(io, `${command}: ${error.message}`);
    return EXIT_USAGE;
  }
}
