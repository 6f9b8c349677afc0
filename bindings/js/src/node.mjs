// The ESM face of the package in Node: the same instance as `require`
// gives (dist/node.cjs), so that `QueryError` is one class.
import qc from "./node.cjs";

export const {
  QueryError,
  init,
  compile,
  plan,
  check,
  validate,
  decompile,
  fields,
  format,
  complete,
  hover,
  version,
} = qc;
