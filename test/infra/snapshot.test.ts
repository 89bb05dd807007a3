// One normalised snapshot of the default stack: a reviewer sees any change to what gets
// deployed in the diff. Asset hashes change with every code edit, so they are masked.
import { buildStack } from './support';

const ASSET_HASH = /[0-9a-f]{64}/g;

function normalise(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(ASSET_HASH, '[asset-hash]'));
}

it('synthesizes the default stack as recorded', () => {
  const { template } = buildStack({}, 'VoisoSec');

  expect(normalise(template.toJSON())).toMatchSnapshot();
});
