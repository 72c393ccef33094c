/** In-memory CLI io: files by path (`-` = stdin; anything else is missing), captured stdout/stderr. */
import type { CliIo } from '../../lib/cli/io';

export function fakeIo(files: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const read: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    readFile: async (path) => {
      read.push(path);
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
    env,
  };
  return {
    io,
    read,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    stderrLines: () => err.join('').split('\n').filter(Boolean),
  };
}
