// The playground's state in the page's URL: `#q=<query>&t=<target>&s=<schema>`,
// each URL-encoded; the target and the schema only when set.

/** The query in `hash`, or null. */
export function queryFromHash(hash) {
  return stateFromHash(hash).query;
}

/** The query, target and schema text in `hash` (null when absent). */
export function stateFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  return { query: params.get("q"), target: params.get("t"), schema: params.get("s") };
}

/** The URL of the page with `query` (and a target and schema, when set) in its hash. */
export function urlWithQuery(href, query, target = "", schema = "") {
  const url = new URL(href);
  let hash = "q=" + encodeURIComponent(query);
  if (target && target !== "conversations") hash += "&t=" + encodeURIComponent(target);
  if (schema && schema.trim() !== "") hash += "&s=" + encodeURIComponent(schema);
  url.hash = hash;
  return url.toString();
}
