// Stryker ignorers (npm run mutation) for text that only people read, each with its reason:
// - log-text: the first argument of a logger call, when it is literal text. Log messages are for
//   people; what tests pin about logs is what they must never carry (message content,
//   test/ingest/logging.test.ts), and those arguments stay mutated.
// - documentation-text: the `description` of a severity rule and the `shape` of a detection,
//   labels that no code reads (the tests could only compare them with a copy of themselves).
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const LOG_METHODS = new Set(['debug', 'info', 'warn', 'error']);

/** `logger.warn(...)`, `this.logger.warn(...)`, `deps.logger.warn(...)`. */
function isLoggerCall(node) {
  if (node?.type !== 'CallExpression' || node.callee.type !== 'MemberExpression') return false;
  const { object, property } = node.callee;
  if (property.type !== 'Identifier' || !LOG_METHODS.has(property.name)) return false;
  const name = object.type === 'MemberExpression' ? object.property.name : object.name;
  return name === 'logger';
}

/** Properties whose literal value is documentation: read by people, by no code. */
const DOCUMENTATION_PROPERTIES = new Set(['description', 'shape']);

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'log-text', {
    shouldIgnore(path) {
      const literal = path.isStringLiteral() || path.isTemplateLiteral();
      if (literal && isLoggerCall(path.parent) && path.parent.arguments[0] === path.node) {
        return 'log message text: read by people, not by code or tests';
      }
      return undefined;
    },
  }),
  declareValuePlugin(PluginKind.Ignore, 'documentation-text', {
    shouldIgnore(path) {
      const { parent, node } = path;
      if (
        path.isStringLiteral() &&
        parent?.type === 'ObjectProperty' &&
        parent.value === node &&
        parent.key.type === 'Identifier' &&
        DOCUMENTATION_PROPERTIES.has(parent.key.name)
      ) {
        return 'documentation text (a rule description, a detection shape): read by no code';
      }
      return undefined;
    },
  }),
];
