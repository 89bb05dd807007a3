// The mutation run only needs to know that a property fails, not its smallest counterexample:
// no shrinking (jest.mutation.config.js). The seed and every other setting stay as they are.
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
