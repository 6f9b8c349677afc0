// The playground's state in the page's URL:
// `#q=<query>&t=<target>&v=<API version>&s=<schema>`, each URL-encoded; the
// target, the version and the schema only when they are not the defaults.

/** The query in `hash`, or null. */
export function queryFromHash(hash) {
  return stateFromHash(hash).query;
}

/** The query, target, API version and schema text in `hash` (null when absent). */
export function stateFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  return { query: params.get("q"), target: params.get("t"), version: params.get("v"), schema: params.get("s") };
}

/**
 * The URL of the page with `query` (and a target, an API version other than
 * `defaultVersion`, and a schema, when set) in its hash.
 */
export function urlWithQuery(href, query, target = "", schema = "", version = "", defaultVersion = "") {
  const url = new URL(href);
  let hash = "q=" + encodeURIComponent(query);
  if (target && target !== "conversations") hash += "&t=" + encodeURIComponent(target);
  if (version && version !== defaultVersion) hash += "&v=" + encodeURIComponent(version);
  if (schema && schema.trim() !== "") hash += "&s=" + encodeURIComponent(schema);
  url.hash = hash;
  return url.toString();
}
