// Stryker ignorer (docs/mutation.md "Reviewed classes"): mutants inside a logger call statement —
// `log.info('event', {...})`, `this.log.warn(...)`, `this.options.log?.debug(...)` — change only the
// trace line's event name or fields, not what goes over the wire or into SessionState. They are
// reported as Ignored (not counted in the score) instead of being listed one by one. What a log line
// may contain is proven by log.ts's redaction tests and the end-of-run secret scan, and log.ts
// itself is mutated normally (this ignorer only looks at call sites).
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error']);

/** `log`, `this.log`, `options.log`, `this.options.log` — any member chain ending in `log`/`logger`. */
function isLoggerObject(node) {
  if (node.type === 'Identifier') return node.name === 'log' || node.name === 'logger';
  if (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') {
    return !node.computed && node.property.type === 'Identifier' && (node.property.name === 'log' || node.property.name === 'logger');
  }
  return false;
}

export function isLogCallStatement(path) {
  if (!path.isExpressionStatement()) return false;
  const call = path.node.expression;
  if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return false;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return false;
  return !callee.computed && callee.property.type === 'Identifier' && LEVELS.has(callee.property.name) && isLoggerObject(callee.object);
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'log-calls', {
    shouldIgnore(path) {
      return isLogCallStatement(path) ? 'A log call: its event name and fields are not protocol behaviour (docs/mutation.md)' : undefined;
    },
  }),
];
