import type * as z from 'zod';

/** One line naming every field that is wrong: `detail.AutoScalingGroupName: Invalid input: expected string, received undefined`. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
