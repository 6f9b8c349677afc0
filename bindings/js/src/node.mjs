// The ESM face of the package in Node: the same instance as `require`
// gives (dist/node.cjs), so that `QueryError` is one class.
import qc from "./node.cjs";

export const {
  QueryError,
  QueryWarning,
  init,
  compile,
  plan,
  check,
  validate,
  decompile,
  fields,
  format,
  matches,
  filter,
  complete,
  hover,
  version,
  apiVersions,
} = qc;
