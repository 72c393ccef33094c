/**
 * The CLI's only contact with the process: commands get this object, tests pass a fake one.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a file as UTF-8; `-` reads standard input. */
  readFile(path: string): Promise<string>;
  env: NodeJS.ProcessEnv;
}

/** A subcommand: arguments after its name in, exit code out. Never throws for expected failures. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

export const EXIT_OK = 0;
/** Runtime failure outside the user's input: AWS unreachable, no credentials. */
export const EXIT_FAILURE = 1;
/** The user's input is wrong: unknown option, missing file, malformed event or config. */
export const EXIT_USAGE = 2;

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readFile: (path) => (path === '-' ? readStdin() : readFile(path, 'utf8')),
    env: process.env,
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Pretty JSON (2-space indent), newline-terminated. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** One line on stderr, whatever the message holds (error texts may quote multi-line input). */
export function writeError(io: CliIo, text: string): void {
  io.stderr(`${escapeInvisible(oneLine(text))}\n`);
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Editors on Windows save UTF-8 with a byte-order mark; JSON.parse calls that "not JSON". */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Input text made safe to show on a terminal: control and invisible characters and lone surrogates
 * as \uXXXX, at most `max` characters (then …). Binary input is never echoed raw.
 */
export function safeExcerpt(text: string, max = 120): string {
  return escapeInvisible(text.length > max ? `${text.slice(0, max)}…` : text);
}

function escapeInvisible(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Why a file could not be read, without Node's `ENOENT: …, open 'x'` wrapping. */
export function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

export function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export type ParsedArgs =
  | { ok: true; help: boolean; values: Record<string, string | boolean | undefined>; positionals: string[] }
  | { ok: false; error: string };

/**
 * node:util parseArgs, with errors of our own wording (one line, no Node boilerplate).
 * `--help` / `-h` is always accepted and wins over any other mistake on the line.
 */
export function parseCommandArgs(args: string[], options: Record<string, OptionSpec>): ParsedArgs {
  const all: Record<string, OptionSpec> = { ...options, help: { type: 'boolean', short: 'h' } };
  const { values, positionals, tokens } = parseArgs({ args, options: all, allowPositionals: true, strict: false, tokens: true });
  const help = tokens.some((token) => token.kind === 'option' && token.name === 'help');
  if (help) return { ok: true, help, values, positionals };
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = all[token.name];
    if (!spec) return { ok: false, error: `unknown option ${token.rawName}` };
    if (spec.type === 'boolean' && token.value !== undefined) return { ok: false, error: `option ${token.rawName} takes no value` };
    if (spec.type === 'string') {
      // A negative number is a value (--seed -1), any other dash word the next option.
      const missing =
        token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-' && !/^-\d+(\.\d+)?$/.test(token.value));
      if (missing) return { ok: false, error: `option ${token.rawName} needs a value` };
    }
  }
  return { ok: true, help, values, positionals };
}

export function stringOption(values: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A usage mistake: one line naming the command and the mistake, exit 2. */
export function usageError(io: CliIo, command: string, message: string): number {
  writeError(io, `${command}: ${message} (see: capacity-guard ${command} --help)`);
  return EXIT_USAGE;
}
