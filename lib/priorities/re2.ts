/**
 * cluster-autoscaler compiles priority patterns with Go's regexp (RE2) and matches them
 * unanchored (`FindStringIndex`). JavaScript's RegExp agrees on the common subset; this
 * translates the RE2 spellings JS lacks and rejects what RE2 would refuse, so a pattern that
 * works here also works in cluster-autoscaler.
 */
import { PrioritiesError } from '../errors';

const NOT_IN_RE2: ReadonlyArray<readonly [RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookaround assertions'],
  [/\\[1-9]|\\k</, 'backreferences'],
  [/\\Q|\\E/, '\\Q…\\E literals (not translated by capacity-guard)'],
  [/\[\[:/, 'POSIX classes (not translated by capacity-guard)'],
];

export function compileRe2(pattern: string): RegExp {
  for (const [construct, what] of NOT_IN_RE2) {
    if (construct.test(pattern)) throw new PrioritiesError(`pattern ${JSON.stringify(pattern)} uses ${what}, which RE2 does not accept`);
  }
  let source = pattern;
  let flags = '';
  const leadingFlags = /^\(\?([imsU]+)\)/.exec(source);
  if (leadingFlags) {
    const wanted = leadingFlags[1] ?? '';
    if (wanted.includes('U')) throw new PrioritiesError(`pattern ${JSON.stringify(pattern)} uses the U (ungreedy) flag, which capacity-guard does not translate`);
    flags = [...new Set(wanted)].join('');
    source = source.slice(leadingFlags[0].length);
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new PrioritiesError(`pattern ${JSON.stringify(pattern)} does not compile: ${(error as Error).message}`, { cause: error });
  }
}
