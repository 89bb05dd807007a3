#!/usr/bin/env node
// Entry point for `voiso-sec`: registers tsx so the TypeScript sources run without a build step.

// The AWS SDK warns once per process that future releases need Node 22; on a CLI that noise
// hides the output people came for.
const emitWarning = process.emitWarning;
process.emitWarning = function filteredEmitWarning(warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (typeof text === 'string' && text.startsWith('NodeVersionSupportWarning')) return;
  return emitWarning.call(process, warning, ...rest);
};

require('tsx/cjs/api').register();
const { main } = require('./main.ts');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // An idle keep-alive socket must not keep a finished command alive; the timer is unref'd so
  // a clean exit never waits for it.
  setTimeout(() => process.exit(code), 2000).unref();
});
