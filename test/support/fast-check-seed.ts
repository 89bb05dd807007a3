// Every property test in a file runs from the seed its environment chose (see
// seeded-environment.js), so a failure can be replayed exactly.
import fc from 'fast-check';

const seed = (globalThis as { FC_SEED?: number }).FC_SEED;
if (seed !== undefined) fc.configureGlobal({ seed });
