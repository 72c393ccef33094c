/**
 * The bundle-time rewrite of the AWS SDK's generated schema modules (scripts/serverless/esbuild-plugins.cjs):
 * computed keys naming the module's string constants become literals, and with that esbuild drops
 * the shapes a function never uses. The adapter test test/adapter/bundled-sdk.test.ts shows the
 * rewritten clients still speak the protocols (moto).
 */
import { createRequire } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const plugins = createRequire(import.meta.url)('../../../scripts/serverless/esbuild-plugins.cjs') as Plugin[] & {
  literalSchemaKeys(source: string): { contents: string; rewritten: number };
};

describe('literalSchemaKeys', () => {
  it('turns computed keys naming a string constant into that literal, and leaves every other key alone', () => {
    const source = [
      'const _e = "error";',
      'const _hE = "httpError";',
      'const _q = "it\\"s";',
      'const n0 = "com.amazonaws.ec2";',
      'export var A$ = [-3, n0, "A", { [_e]: _c, [_hE]: 400 }, [], []];',
      'export var B$ = [3, n0, "B", 0, [_e], [[0, { [_q]: 1,[unknown]: 2 }]]];',
      'export var C$ = [3, n0, "C", 0, [x ? [_e] : y], [0]];',
    ].join('\n');

    const { contents, rewritten } = plugins.literalSchemaKeys(source);

    expect(rewritten).toBe(3);
    expect(contents).toContain('{ "error": _c, "httpError": 400 }');
    expect(contents).toContain('{ "it\\"s": 1,[unknown]: 2 }');
    // An array holding a constant is not a key.
    expect(contents).toContain('[x ? [_e] : y]');
  });
});

describe('the plugins in a bundle', () => {
  const entry =
    "import { EC2Client, DescribeInstancesCommand } from '@aws-sdk/client-ec2'; export const describe = (ids) => new EC2Client({}).send(new DescribeInstancesCommand({ InstanceIds: ids }));";
  const ec2Bytes = async (withPlugins: Plugin[]) => {
    const result = await build({
      stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      minify: true,
      write: false,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      metafile: true,
      plugins: withPlugins,
      logLevel: 'silent',
    });
    const [output] = Object.values(result.metafile.outputs);
    return Object.entries(output!.inputs)
      .filter(([path]) => path.includes('@aws-sdk/client-ec2/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  };

  it('keep only the EC2 shapes a function sends (the whole EC2 model without them)', async () => {
    const without = await ec2Bytes([]);
    const withRewrite = await ec2Bytes(plugins);

    expect(without).toBeGreaterThan(300_000);
    expect(withRewrite).toBeLessThan(60_000);
  }, 60_000);
});
