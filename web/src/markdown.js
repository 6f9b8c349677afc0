// Just enough Markdown for the field documentation qc produces: paragraphs,
// **bold** and `code`. Everything is escaped first.
function escape(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function inline(text) {
  return escape(text)
    .replace(/`([^`]*)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

/** Renders `markdown` into a new element. */
export function renderMarkdown(markdown, className) {
  const dom = document.createElement("div");
  dom.className = className;
  dom.innerHTML = markdown
    .split(/\n{2,}/)
    .map((p) => `<p>${inline(p)}</p>`)
    .join("");
  return dom;
}
