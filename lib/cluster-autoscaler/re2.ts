/**
 * cluster-autoscaler compiles priority patterns with Go's regexp (RE2, Perl syntax) and matches them
 * unanchored (`FindStringIndex`). re2js is a port of RE2 to JavaScript: the same syntax (\p{…}, \Q…\E,
 * \x{…}, POSIX classes, (?U), flags anywhere), the same refusals (lookarounds, backreferences), and
 * linear-time matching. So a pattern is accepted here exactly when cluster-autoscaler accepts it, and
 * means the same.
 */
import { RE2JS } from 're2js';
import { PrioritiesError } from '../vocabulary/errors';

/** A compiled priority pattern: an unanchored search in a node-group name. */
export interface Re2Pattern {
  readonly source: string;
  test(name: string): boolean;
}

export function compileRe2(pattern: string): Re2Pattern {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    throw new PrioritiesError(`pattern "${pattern}" is not valid RE2, so cluster-autoscaler refuses it too: ${(error as Error).message}`, { cause: error });
  }
  return { source: pattern, test: (name) => compiled.test(name) };
}
