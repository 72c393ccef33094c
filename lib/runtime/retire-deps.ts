/** Cold-start wiring of the retire function: the spot functions' deps plus the retire port (termination hooks, targeted termination). */
import { createAutoScalingClient } from '../aws/clients';
import { createRetireAdapter } from '../aws/retire-adapter';
import type { RetireDeps } from '../retire/deps';
import { lambdaSpotDeps } from './spot-deps';

export function lambdaRetireDeps(env: NodeJS.ProcessEnv = process.env): RetireDeps {
  return { ...lambdaSpotDeps(env), retire: createRetireAdapter(createAutoScalingClient()) };
}
