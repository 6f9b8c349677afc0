// The query in the page's URL: `#q=<URL-encoded text>`.

/** The query in `hash`, or null. */
export function queryFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  return params.get("q");
}

/** The URL of the page with `query` in its hash. */
export function urlWithQuery(href, query) {
  const url = new URL(href);
  url.hash = "q=" + encodeURIComponent(query);
  return url.toString();
}
