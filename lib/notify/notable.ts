/** Every action kind a run can report. Each capability adds its action union here. */
import type { Action } from '../failover/actions';
import type { DownscalerAction } from '../downscaler/actions';
import type { RetireAction } from '../retire/actions';
import type { SpotAction } from '../spot/actions';
import type { RunReport } from '../ports/notifier';

export type Notable = Action | DownscalerAction | SpotAction | RetireAction;

/** A report as lib/notify reads it: any capability's actions. */
export type NotableReport = RunReport<Notable>;
