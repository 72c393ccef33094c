/** The Powertools singletons, one per cold start (service name and namespace come from the env set in serverless.yml). */
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Metrics } from '../ports/metrics';

export const logger = new Logger();
export const powertoolsMetrics = new PowertoolsMetrics();

/** The app's metrics port on top of Powertools (CloudWatch EMF). */
export const metrics: Metrics = {
  count: (name, value = 1) => powertoolsMetrics.addMetric(name, MetricUnit.Count, value),
  timing: (name, milliseconds) => powertoolsMetrics.addMetric(name, MetricUnit.Milliseconds, milliseconds),
};
