// Test output is for failing tests: known-harmless noise is silenced here, in the test setup
// only, never in the product. (The CLI's child processes filter the SDK's warning themselves.)

// The AWS SDK's one-per-process notice that releases after January 2027 need Node 22 (see the
// README); its own switch, read where the SDK is loaded, inside each test file's sandbox.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/**
 * CDK announces every asset it bundles ("Bundling asset VoisoSecTest/Ingest/...") on stderr;
 * esbuild's own summary is already off (logLevel in lib/constructs/pipeline-function.ts).
 */
export function withoutBundlingNotices(write: Write): Write {
  return function quietWrite(this: unknown, chunk, ...rest) {
    if (typeof chunk === 'string' && /^Bundling asset \S+\.\.\.\n?$/.test(chunk)) return true;
    return write.call(this, chunk, ...rest);
  };
}

// The stream is the worker's, shared by the test files it runs: wrap it once.
const QUIET = Symbol.for('voiso-sec.quiet-bundling');
const stderr = process.stderr as NodeJS.WriteStream & { [QUIET]?: true };
if (!stderr[QUIET]) {
  stderr.write = withoutBundlingNotices(stderr.write as Write) as typeof stderr.write;
  stderr[QUIET] = true;
}
