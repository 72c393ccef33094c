/**
 * EC2 reclaims a Spot instance two minutes after its interruption warning: "two minutes prior to
 * the actual interruption" (Amazon EC2 User Guide, "Spot Instance interruption notices").
 */
export const INTERRUPTION_NOTICE_MS = 120_000;
