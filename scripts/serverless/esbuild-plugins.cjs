/**
 * esbuild plugins for the function bundles (serverless.yml custom.esbuild.plugins; the cold-import
 * bench loads the same list).
 *
 * awsSdkSchemaLiteralKeys: the AWS SDK v3 clients since 3.930 describe every operation's shapes in
 * one generated module (dist-es/schemas/schemas_0.js), whose trait objects use computed keys such as
 * `{ [_hE]: 400 }` with `const _hE = "httpError"`. esbuild must assume a computed key can run code
 * (toString), so it keeps every such statement: the whole EC2 model (≈550 kB minified) lands in a
 * bundle that sends three commands, and V8 parses and runs it at every cold start. Known upstream:
 * https://github.com/aws/aws-sdk-js-v3/issues/7607, fix proposed in
 * https://github.com/smithy-lang/smithy-typescript/pull/1889 (emit literal keys). Until it ships we do
 * the same at bundle time: a computed key naming one of the module's own string constants becomes
 * that string literal. Same object, same keys; esbuild can then drop the shapes nobody references.
 */
'use strict';
const { readFile } = require('node:fs/promises');

const SCHEMA_MODULE = /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONSTANT = /^const (_[A-Za-z0-9_$]+) = ("(?:[^"\\\n]|\\.)*");$/gm;
const COMPUTED_KEY = /([{,]\s*)\[(_[A-Za-z0-9_$]+)\]:/g;

/** The rewrite itself, exported for its test. Keys that do not name a string constant stay as they are. */
function literalSchemaKeys(source) {
  const constants = new Map();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) constants.set(name, literal);
  let rewritten = 0;
  const contents = source.replace(COMPUTED_KEY, (whole, before, name) => {
    const literal = constants.get(name);
    if (literal === undefined) return whole;
    rewritten++;
    return `${before}${literal}:`;
  });
  return { contents, rewritten };
}

const awsSdkSchemaLiteralKeys = {
  name: 'aws-sdk-schema-literal-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => {
      const { contents } = literalSchemaKeys(await readFile(args.path, 'utf8'));
      return { contents, loader: 'js' };
    });
  },
};

module.exports = [awsSdkSchemaLiteralKeys];
module.exports.literalSchemaKeys = literalSchemaKeys;
