/**
 * cluster-autoscaler compiles priority patterns with Go's regexp (RE2) and matches them
 * unanchored (`FindStringIndex`). JavaScript's RegExp agrees on the common subset. This module
 * translates the RE2 spellings JS lacks, rejects what RE2 itself refuses (so a pattern accepted
 * here is accepted by cluster-autoscaler), and refuses — saying so — the few RE2 features whose JS
 * reading would differ silently.
 */
import { PrioritiesError } from '../vocabulary/errors';

interface Token {
  /** The text as written: one escape (`\d`), one group opener (`(?P<`), or one plain character. */
  text: string;
  escaped: boolean;
}

export function compileRe2(pattern: string): RegExp {
  const tokens = tokenize(pattern);
  const shown = `pattern "${pattern}"`;
  for (let i = 0; i < tokens.length; i++) {
    const { text, escaped } = tokens[i]!;
    const next = tokens[i + 1]?.text ?? '';
    if (escaped && /^\\[1-9]$/.test(text)) throw new PrioritiesError(`${shown} uses a backreference, which RE2 does not accept`);
    if (escaped && text === '\\k') throw new PrioritiesError(`${shown} uses a named backreference, which RE2 does not accept`);
    if (!escaped && text === '(' && next === '?') {
      const after = tokens.slice(i + 2, i + 4).map((token) => token.text).join('');
      if (/^<?[=!]/.test(after)) throw new PrioritiesError(`${shown} uses a lookaround assertion, which RE2 does not accept`);
    }
    if (escaped && ['\\Q', '\\E', '\\p', '\\P'].includes(text)) throw new PrioritiesError(`${shown} uses ${text}, which capacity-guard does not translate to JavaScript`);
    if (escaped && text === '\\x' && next === '{') throw new PrioritiesError(`${shown} uses \\x{…}, which capacity-guard does not translate to JavaScript`);
    if (!escaped && text === '[' && next === '[' && tokens[i + 2]?.text === ':') throw new PrioritiesError(`${shown} uses a POSIX class [[:…:]], which capacity-guard does not translate to JavaScript`);
  }

  let source = pattern;
  let flags = '';
  const leadingFlags = /^\(\?([imsU]+)\)/.exec(source);
  if (leadingFlags) {
    const wanted = leadingFlags[1] ?? '';
    if (wanted.includes('U')) throw new PrioritiesError(`${shown} uses the U (ungreedy) flag, which capacity-guard does not translate to JavaScript`);
    flags = [...new Set(wanted)].join('');
    source = source.slice(leadingFlags[0].length);
  }
  if (/(^|[^\\])\(\?[imsU-]+[:)]/.test(source)) throw new PrioritiesError(`${shown} sets flags inside the pattern; capacity-guard only translates flags at its start, like (?i)spot`);
  source = source.replace(/\(\?P</g, '(?<').replace(/(^|[^\\])\\A/g, '$1^').replace(/(^|[^\\])\\z/g, '$1$');
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new PrioritiesError(`${shown} does not compile: ${(error as Error).message}`, { cause: error });
  }
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\' && i + 1 < pattern.length) {
      tokens.push({ text: pattern.slice(i, i + 2), escaped: true });
      i += 1;
    } else {
      tokens.push({ text: pattern[i]!, escaped: false });
    }
  }
  return tokens;
}
