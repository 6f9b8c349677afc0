//! The architecture's invariants (`ARCHITECTURE.md`), checked on the
//! source itself:
//!
//! - every module uses only modules of lower layers, as the table in
//!   `ARCHITECTURE.md` says (the table is read from there: one place);
//! - no circle of files: no file uses, through any chain, a file that uses it;
//! - `syntax` uses neither `schema` nor `check` (the parser knows no field);
//! - only the config layer and the shells above it use `std::fs`;
//! - only the binaries print (`println!`, `eprintln!`, `print!`, `eprint!`,
//!   `dbg!`).
//!
//! The graph is read with `syn`: every `use` and every path of every
//! `src/**/*.rs` file (also inside macro calls) is resolved, through the
//! crate's modules and re-exports, to the file that defines what it names.
//! A `pub use` is a module's façade, not a use of its own: it adds no edge,
//! but a path through it reaches the file behind it (`crate::Span` is a use
//! of `src/span.rs`, not of `src/lib.rs`). Test code (`#[cfg(test)]`) is
//! left out: tests may use anything.
//!
//! `QC_IMPORT_GRAPH=1 cargo test --test architecture -- --nocapture`
//! prints the graph, one file a line with what it uses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// Uses that close a circle or go up a layer and that other work is to
/// remove, as `(from, to, what the use is)`, with a comment on what removes
/// it; a path ending in `/` stands for every file under it. The checks skip
/// them; an entry that matches nothing fails the test, so the list only
/// shrinks. Empty it as the work lands.
#[rustfmt::skip]
const KNOWN_CYCLES: &[(&str, &str, &str)] = &[
];

/// The library's name, as the binaries write it (`qc::compile`).
const LIB: &str = "qc";

// ---- reading the source ------------------------------------------------

/// A module: the index of its crate and its path from the crate root.
type ModId = (usize, Vec<String>);

/// What a `use` binds.
#[derive(Debug, Clone)]
struct UseLeaf {
    /// The name it binds (`None` for a glob).
    name: Option<String>,
    /// The path as written, from the module where the `use` is.
    path: Vec<String>,
    /// True for `pub use` (any `pub`): a re-export.
    public: bool,
    line: usize,
}

/// What one file holds, test code left out.
#[derive(Debug, Default)]
struct FileFacts {
    /// `mod name;` declarations.
    children: Vec<String>,
    uses: Vec<UseLeaf>,
    /// Every path in code (and runs of `a::b` inside macro calls), with
    /// its line.
    paths: Vec<Located>,
    /// Every macro called, by its last segment, with its line.
    macros: Vec<(String, usize)>,
}

/// True for `#[cfg(test)]`.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "test")
    })
}

fn line_of(ident: &proc_macro2::Ident) -> usize {
    ident.span().start().line
}

/// Flattens a use tree into its leaves.
fn use_leaves(tree: &syn::UseTree, prefix: &mut Vec<String>, public: bool, out: &mut Vec<UseLeaf>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_leaves(&p.tree, prefix, public, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            // `use a::b::{self}` binds `b` to `a::b`.
            let (path, bound) = if name == "self" {
                (prefix.clone(), prefix.last().cloned())
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                (path, Some(name))
            };
            out.push(UseLeaf {
                name: bound,
                path,
                public,
                line: line_of(&n.ident),
            });
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            let name = r.ident.to_string();
            if name != "self" {
                path.push(name);
            }
            out.push(UseLeaf {
                name: Some(r.rename.to_string()),
                path,
                public,
                line: line_of(&r.ident),
            });
        }
        syn::UseTree::Glob(g) => out.push(UseLeaf {
            name: None,
            path: prefix.clone(),
            public,
            line: g.star_token.span.start().line,
        }),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_leaves(t, prefix, public, out);
            }
        }
    }
}

/// The runs of `a::b::c` (and lone words) in a macro call's tokens.
fn token_paths(tokens: TokenStream, out: &mut Vec<Located>) {
    let mut run: Vec<String> = Vec::new();
    let mut line = 0;
    // Colons seen since the last word: 2 continue a run.
    let mut colons = 0;
    fn flush(run: &mut Vec<String>, line: usize, out: &mut Vec<Located>) {
        if !run.is_empty() {
            out.push((std::mem::take(run), line));
        }
    }
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                if colons != 2 {
                    flush(&mut run, line, out);
                    line = line_of(&i);
                }
                run.push(i.to_string());
                colons = 0;
            }
            // `name!(...)` inside a macro call: a macro, not a path.
            TokenTree::Punct(p) if p.as_char() == '!' && colons == 0 && !run.is_empty() => {
                run.clear();
            }
            TokenTree::Punct(p) if p.as_char() == ':' => {
                colons += 1;
                if colons == 1 && p.spacing() == Spacing::Alone {
                    colons = 3;
                }
            }
            TokenTree::Group(g) => {
                flush(&mut run, line, out);
                colons = 0;
                token_paths(g.stream(), out);
            }
            _ => {
                flush(&mut run, line, out);
                colons = 0;
            }
        }
    }
    flush(&mut run, line, out);
}

impl<'ast> Visit<'ast> for FileFacts {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => return visit::visit_item(self, item),
        };
        if !is_test_only(attrs) {
            visit::visit_item(self, item);
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs = match item {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            _ => return visit::visit_impl_item(self, item),
        };
        if !is_test_only(attrs) {
            visit::visit_impl_item(self, item);
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        match &m.content {
            None => self.children.push(m.ident.to_string()),
            // Inline modules outside tests would need their own scope.
            Some(_) => panic!(
                "inline `mod {}` outside tests: the checker reads one module per file",
                m.ident
            ),
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let public = !matches!(u.vis, syn::Visibility::Inherited);
        use_leaves(&u.tree, &mut Vec::new(), public, &mut self.uses);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.leading_colon.is_none()
            && let Some(first) = p.segments.first()
        {
            let line = line_of(&first.ident);
            let path = p.segments.iter().map(|s| s.ident.to_string()).collect();
            self.paths.push((path, line));
        }
        visit::visit_path(self, p);
    }

    // `pub(crate)` and `pub(in path)` name no dependency.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if let Some(last) = m.path.segments.last() {
            self.macros
                .push((last.ident.to_string(), line_of(&last.ident)));
        }
        // The macro's own name is in the macro namespace: not a path to
        // resolve (`format!` is not the `format` module).
        token_paths(m.tokens.clone(), &mut self.paths);
    }
}

/// Every `.rs` file under `dir`, relative to the repository, sorted.
fn rust_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
        .expect("the source directory is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path.strip_prefix(root).expect("inside the repository");
        if path.is_dir() {
            rust_files(root, rel, out);
        } else if rel.extension().is_some_and(|e| e == "rs") {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn facts_of(file: &str, text: &str) -> FileFacts {
    let ast = syn::parse_file(text).unwrap_or_else(|e| panic!("{file} does not parse: {e}"));
    let mut facts = FileFacts::default();
    facts.visit_file(&ast);
    facts
}

// ---- the module tree and name resolution -------------------------------

/// Where a path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A file of the same crate or of the library.
    File(String),
    /// Another crate (`std`, `serde`, ...) or a local name; the whole path,
    /// imports expanded.
    External(Vec<String>),
}

struct Module {
    file: String,
    children: BTreeSet<String>,
    /// Names bound by `use`, to the path as written.
    uses: BTreeMap<String, Vec<String>>,
}

/// The crates of `src/` (the library first, then each binary), their
/// modules and what every file holds.
struct Tree {
    modules: BTreeMap<ModId, Module>,
    facts: BTreeMap<String, FileFacts>,
}

impl Tree {
    /// The crates whose roots are `roots` (the library first), from what
    /// each file holds.
    fn new(roots: &[&str], mut files: BTreeMap<String, FileFacts>) -> Tree {
        let mut tree = Tree {
            modules: BTreeMap::new(),
            facts: BTreeMap::new(),
        };
        for (krate, root) in roots.iter().enumerate() {
            let mut todo = vec![((krate, Vec::new()), root.to_string())];
            while let Some((id, file)) = todo.pop() {
                let facts = files
                    .remove(&file)
                    .unwrap_or_else(|| panic!("module file {file} not found (or in two modules)"));
                let dir = match file.rsplit_once('/') {
                    Some((dir, "mod.rs" | "lib.rs" | "main.rs")) => dir.to_owned(),
                    _ => file.trim_end_matches(".rs").to_owned(),
                };
                for child in &facts.children {
                    let mut path = id.1.clone();
                    path.push(child.clone());
                    let flat = format!("{dir}/{child}.rs");
                    let child_file = if files.contains_key(&flat) {
                        flat
                    } else {
                        format!("{dir}/{child}/mod.rs")
                    };
                    todo.push(((krate, path), child_file));
                }
                let uses = facts
                    .uses
                    .iter()
                    .filter_map(|u| Some((u.name.clone()?, u.path.clone())))
                    .collect();
                tree.modules.insert(
                    id,
                    Module {
                        file: file.clone(),
                        children: facts.children.iter().cloned().collect(),
                        uses,
                    },
                );
                tree.facts.insert(file, facts);
            }
        }
        let orphans: Vec<&String> = files.keys().collect();
        assert!(orphans.is_empty(), "files in no module: {orphans:?}");
        tree
    }

    fn module(&self, id: &ModId) -> &Module {
        &self.modules[id]
    }

    /// Where `path`, written in module `at`, leads.
    fn resolve(&self, at: &ModId, path: &[String], depth: usize) -> Target {
        if depth > 32 {
            return Target::External(path.to_vec());
        }
        let Some((first, rest)) = path.split_first() else {
            return Target::File(self.module(at).file.clone());
        };
        let start: ModId = match first.as_str() {
            "crate" => (at.0, Vec::new()),
            "self" => at.clone(),
            "super" => (at.0, at.1[..at.1.len().saturating_sub(1)].to_vec()),
            name if name == LIB && at.0 != 0 => (0, Vec::new()),
            name => {
                let module = self.module(at);
                if module.children.contains(name) {
                    (at.0, [at.1.clone(), vec![name.to_owned()]].concat())
                } else if let Some(used) = module.uses.get(name) {
                    // `use a::b as c; c::d` is `a::b::d`, from the same
                    // module; a name bound to itself (`use serde;`) is a
                    // crate.
                    if used.as_slice() == [name] {
                        return Target::External(path.to_vec());
                    }
                    return self.resolve(at, &[used.as_slice(), rest].concat(), depth + 1);
                } else {
                    return Target::External(path.to_vec());
                }
            }
        };
        self.walk(start, rest, depth)
    }

    /// Walks `rest` down from module `at`.
    fn walk(&self, mut at: ModId, rest: &[String], depth: usize) -> Target {
        for (i, segment) in rest.iter().enumerate() {
            match segment.as_str() {
                "self" => continue,
                "super" => {
                    at.1.pop();
                    continue;
                }
                _ => {}
            }
            let module = self.module(&at);
            if module.children.contains(segment) {
                at.1.push(segment.clone());
            } else if let Some(used) = module.uses.get(segment) {
                return self.resolve(&at, &[used.as_slice(), &rest[i + 1..]].concat(), depth + 1);
            } else {
                // An item defined here (or a variant or method of one).
                return Target::File(module.file.clone());
            }
        }
        Target::File(self.module(&at).file.clone())
    }
}

// ---- the graph ---------------------------------------------------------

/// A use of one file by another: the line of the first use.
type Graph = BTreeMap<String, BTreeMap<String, usize>>;

/// A path with its line.
type Located = (Vec<String>, usize);

/// The file graph of `tree`, and the external paths each file uses.
fn graph(tree: &Tree) -> (Graph, BTreeMap<String, Vec<Located>>) {
    let mut edges = Graph::new();
    let mut external: BTreeMap<String, Vec<Located>> = BTreeMap::new();
    for (id, module) in &tree.modules {
        let facts = &tree.facts[&module.file];
        let from = &module.file;
        edges.entry(from.clone()).or_default();
        let mut add = |target: Target, line: usize| match target {
            Target::File(to) if &to != from => {
                let entry = edges
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert(line);
                *entry = (*entry).min(line);
            }
            Target::File(_) => {}
            Target::External(path) => external.entry(from.clone()).or_default().push((path, line)),
        };
        for u in &facts.uses {
            if u.name.is_none() {
                assert!(
                    matches!(tree.resolve(id, &u.path, 0), Target::External(_)),
                    "{from}:{}: a glob import of this crate (`{}::*`) hides what it uses",
                    u.line,
                    u.path.join("::")
                );
            } else if !u.public {
                add(tree.resolve(id, &u.path, 0), u.line);
            }
        }
        for (path, line) in &facts.paths {
            // A lone word is a use only when it names an import; else it is
            // a local name (a module is never a lone word).
            if path.len() == 1 && !module.uses.contains_key(&path[0]) {
                continue;
            }
            add(tree.resolve(id, path, 0), *line);
        }
    }
    (edges, external)
}

/// One circle of files for each set of files that reach each other, as
/// `a.rs:3 -> b.rs:10 -> a.rs` (each with the line of the use): Tarjan's
/// strongly connected components, and a shortest circle through each
/// component's first file.
fn find_cycles(graph: &Graph) -> Vec<String> {
    let nodes: Vec<&String> = graph.keys().collect();
    let index: BTreeMap<&String, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            graph[*n]
                .keys()
                .filter_map(|t| index.get(t).copied())
                .collect()
        })
        .collect();
    // Iterative Tarjan.
    let n = nodes.len();
    let (mut idx, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut next, mut components) = (Vec::new(), 0, Vec::new());
    for start in 0..n {
        if idx[start] != usize::MAX {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if *i == 0 {
                idx[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on[v] = true;
            }
            if let Some(&w) = succ[v].get(*i) {
                *i += 1;
                if idx[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(idx[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == idx[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    components.push(component);
                }
            }
        }
    }
    let mut cycles: Vec<String> = components
        .into_iter()
        .map(|c| shortest_cycle(&nodes, &succ, graph, c))
        .collect();
    cycles.sort();
    cycles
}

/// A shortest circle through the first file of `component`.
fn shortest_cycle(
    nodes: &[&String],
    succ: &[Vec<usize>],
    graph: &Graph,
    component: Vec<usize>,
) -> String {
    let first = component.iter().copied().min().unwrap_or_default();
    let inside: BTreeSet<usize> = component.into_iter().collect();
    // Breadth first from `first` back to it, inside the component.
    let mut from: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([first]);
    while let Some(v) = queue.pop_front() {
        for &w in &succ[v] {
            if !inside.contains(&w) || from.contains_key(&w) {
                continue;
            }
            from.insert(w, v);
            if w == first {
                queue.clear();
                break;
            }
            queue.push_back(w);
        }
    }
    let mut chain = vec![first];
    let mut at = from[&first];
    while at != first {
        chain.push(at);
        at = from[&at];
    }
    chain.push(first);
    chain.reverse();
    let mut out = String::new();
    for pair in chain.windows(2) {
        let (a, b) = (nodes[pair[0]], nodes[pair[1]]);
        let _ = write!(out, "{a}:{} -> ", graph[a][b]);
    }
    out.push_str(nodes[first]);
    out
}

// ---- layers --------------------------------------------------------------

/// The module a file belongs to: `src/check/lower.rs` is `check`,
/// `src/lib.rs` is `lib`, every file of a binary is `bin`.
fn module_of(file: &str) -> &str {
    let rest = file.strip_prefix("src/").unwrap_or(file);
    if rest.starts_with("bin/") {
        return "bin";
    }
    let first = rest.split('/').next().unwrap_or(rest);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The layer table: each module's layer, read from the rows between the
/// `<!-- layers -->` markers of `ARCHITECTURE.md`
/// (`| 3 | `schema` | ... |`: the layer, then the modules in backticks).
fn layers(doc: &str) -> BTreeMap<String, u32> {
    let start = doc
        .find("<!-- layers -->")
        .expect("ARCHITECTURE.md marks its layer table");
    let end = doc.find("<!-- /layers -->").expect("the layer table ends");
    let mut table = BTreeMap::new();
    for row in doc[start..end].lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(Ok(layer)) = cells.get(1).map(|c| c.parse::<u32>()) else {
            continue;
        };
        let modules = cells.get(2).copied().unwrap_or_default();
        for name in modules.split('`').skip(1).step_by(2) {
            let clash = table.insert(name.to_owned(), layer);
            assert!(
                clash.is_none(),
                "`{name}` is in two rows of the layer table"
            );
        }
    }
    table
}

/// Every use of a module from a layer that is not strictly below, as
/// `file:line uses file (a layer L module)`.
fn layer_violations(graph: &Graph, table: &BTreeMap<String, u32>) -> Vec<String> {
    let mut out = Vec::new();
    let mut missing = BTreeSet::new();
    for (from, targets) in graph {
        let m = module_of(from);
        let Some(&own) = table.get(m) else {
            missing.insert(m);
            continue;
        };
        for (to, line) in targets {
            let n = module_of(to);
            match table.get(n) {
                _ if n == m => {}
                Some(&layer) if layer < own => {}
                Some(&layer) => out.push(format!(
                    "{from}:{line} (`{m}`, layer {own}) uses {to} (`{n}`, layer {layer})"
                )),
                None => {
                    missing.insert(n);
                }
            }
        }
    }
    out.extend(
        missing
            .into_iter()
            .map(|m| format!("module `{m}` is not in the layer table of ARCHITECTURE.md")),
    );
    out
}

// ---- the checks ------------------------------------------------------------

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The crates of `src/`: the library, then each binary.
fn source_tree() -> Tree {
    let root = repository();
    let mut names = Vec::new();
    rust_files(root, Path::new("src"), &mut names);
    let mut roots = vec!["src/lib.rs"];
    roots.extend(names.iter().map(String::as_str).filter(|f| {
        f.strip_prefix("src/bin/").is_some_and(|rest| {
            !rest.contains('/') || rest.ends_with("/main.rs") && rest.matches('/').count() == 1
        })
    }));
    let files = names
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(root.join(f)).expect("a source file is readable");
            (f.clone(), facts_of(f, &text))
        })
        .collect();
    Tree::new(&roots, files)
}

/// What breaks the architecture in `tree`, by the layer `table`, with the
/// `known` edges left out (and an entry for each known edge that is gone).
fn problems(
    tree: &Tree,
    table: &BTreeMap<String, u32>,
    known: &[(&str, &str, &str)],
) -> Vec<String> {
    let (mut graph, external) = graph(tree);
    let mut problems = Vec::new();
    let matches = |pattern: &str, file: &str| {
        file == pattern || pattern.ends_with('/') && file.starts_with(pattern)
    };
    for (from, to, why) in known {
        let mut found = false;
        for (_, targets) in graph.iter_mut().filter(|(f, _)| matches(from, f)) {
            let before = targets.len();
            targets.retain(|target, _| !matches(to, target));
            found |= targets.len() < before;
        }
        if !found {
            problems.push(format!(
                "{from} no longer uses {to} ({why}): remove it from KNOWN_CYCLES"
            ));
        }
    }
    problems.extend(layer_violations(&graph, table));
    for cycle in find_cycles(&graph) {
        problems.push(format!("a circle of files: {cycle}"));
    }
    for (from, targets) in &graph {
        if module_of(from) == "syntax" {
            for (to, line) in targets {
                if matches!(module_of(to), "schema" | "check") {
                    problems.push(format!(
                        "{from}:{line}: the parser uses {to}, which knows fields"
                    ));
                }
            }
        }
    }
    let config = table.get("config").copied().unwrap_or(u32::MAX);
    for (from, paths) in &external {
        let layer = table.get(module_of(from)).copied().unwrap_or(0);
        for (path, line) in paths {
            if path.len() >= 2 && path[0] == "std" && path[1] == "fs" && layer < config {
                problems.push(format!(
                    "{from}:{line}: `{}` below the config layer: only config and the shells touch files",
                    path.join("::")
                ));
            }
        }
    }
    for (file, facts) in &tree.facts {
        if module_of(file) == "bin" {
            continue;
        }
        for (name, line) in &facts.macros {
            if matches!(
                name.as_str(),
                "println" | "print" | "eprintln" | "eprint" | "dbg"
            ) {
                problems.push(format!(
                    "{file}:{line}: `{name}!` in the library: only binaries print"
                ));
            }
        }
    }
    problems
}

fn print_graph(graph: &Graph) -> String {
    let mut out = String::new();
    for (from, targets) in graph {
        let to: Vec<&str> = targets.keys().map(String::as_str).collect();
        let _ = writeln!(out, "{from}: {}", to.join(" "));
    }
    out
}

fn architecture() -> String {
    std::fs::read_to_string(repository().join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md is readable")
}

#[test]
fn the_source_keeps_the_architecture() {
    let tree = source_tree();
    if std::env::var_os("QC_IMPORT_GRAPH").is_some() {
        println!("{}", print_graph(&graph(&tree).0));
    }
    let problems = problems(&tree, &layers(&architecture()), KNOWN_CYCLES);
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

// ---- the checker on made-up crates ---------------------------------------

/// A made-up library of `(file, text)`.
fn made_up(files: &[(&str, &str)]) -> Tree {
    let facts = files
        .iter()
        .map(|(file, text)| ((*file).to_owned(), facts_of(file, text)))
        .collect();
    let bins: Vec<&str> = files
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| f.ends_with("/main.rs"))
        .collect();
    Tree::new(&[&["src/lib.rs"], bins.as_slice()].concat(), facts)
}

/// A layer table: each module at its index.
fn table(rows: &[&[&str]]) -> BTreeMap<String, u32> {
    let mut doc = String::from("<!-- layers -->\n| Layer | Modules |\n|---|---|\n");
    for (layer, modules) in rows.iter().enumerate() {
        let names: Vec<String> = modules.iter().map(|m| format!("`{m}`")).collect();
        doc.push_str(&format!("| {layer} | {} |\n", names.join(", ")));
    }
    doc.push_str("<!-- /layers -->\n");
    layers(&doc)
}

/// The layers of the made-up crates below.
fn made_up_table() -> BTreeMap<String, u32> {
    table(&[
        &["span"],
        &["syntax", "schema"],
        &["check"],
        &["lib", "config"],
        &["bin"],
    ])
}

#[test]
fn a_new_circle_is_found_and_shown() {
    let tree = made_up(&[
        ("src/lib.rs", "mod check;"),
        ("src/check/mod.rs", "mod lower; mod rules;"),
        (
            "src/check/lower.rs",
            "use super::rules::Rule;\npub struct Lowered;",
        ),
        (
            "src/check/rules.rs",
            "pub struct Rule;\n\nfn f() -> super::lower::Lowered { todo!() }",
        ),
    ]);
    assert_eq!(
        problems(&tree, &made_up_table(), &[]),
        ["a circle of files: src/check/lower.rs:1 -> src/check/rules.rs:3 -> src/check/lower.rs"]
    );
    // Listed as known, the circle is skipped; listed but gone, it fails.
    let known = [("src/check/rules.rs", "src/check/lower.rs", "being removed")];
    assert!(problems(&tree, &made_up_table(), &known).is_empty());
    let gone = [("src/check/rules.rs", "src/span.rs", "removed")];
    let found = problems(&tree, &made_up_table(), &gone);
    assert!(
        found[0].contains("remove it from KNOWN_CYCLES"),
        "{found:?}"
    );
}

#[test]
fn a_use_up_a_layer_is_refused_even_through_a_re_export() {
    let tree = made_up(&[
        (
            "src/lib.rs",
            "mod schema; mod syntax; pub use schema::Field;",
        ),
        ("src/schema.rs", "pub struct Field;"),
        (
            "src/syntax.rs",
            "pub fn parse() -> Option<crate::Field> { None }",
        ),
    ]);
    let found = problems(&tree, &made_up_table(), &[]);
    assert_eq!(
        found,
        [
            "src/syntax.rs:1 (`syntax`, layer 1) uses src/schema.rs (`schema`, layer 1)",
            "src/syntax.rs:1: the parser uses src/schema.rs, which knows fields",
        ]
    );
    // Down is fine, and a module missing from the table is named.
    let tree = made_up(&[
        ("src/lib.rs", "mod span; mod check; mod extra;"),
        ("src/span.rs", "pub struct Span;"),
        ("src/check.rs", "use crate::span::Span;"),
        ("src/extra.rs", ""),
    ]);
    assert_eq!(
        problems(&tree, &made_up_table(), &[]),
        ["module `extra` is not in the layer table of ARCHITECTURE.md"]
    );
}

#[test]
fn re_exports_test_code_and_macros_are_read_as_rust_does() {
    let tree = made_up(&[
        // `format!` is a macro, not the module `format`.
        (
            "src/lib.rs",
            "mod span; mod syntax; mod format;\nfn f() { let _ = format!(\"x\"); }",
        ),
        ("src/format.rs", ""),
        ("src/span.rs", "pub struct Span;"),
        // A façade re-exports its children, which use what it defines.
        (
            "src/syntax/mod.rs",
            "mod ast;\npub use ast::Ast;\npub const MAX: usize = 1;",
        ),
        (
            "src/syntax/ast.rs",
            "use super::MAX;\nuse crate::span as s;\n\
             pub struct Ast;\n\
             fn f() { let _ = vec![s::Span; MAX]; }\n\
             #[cfg(test)]\nmod tests { use crate::check::Anything; }",
        ),
    ]);
    let (graph, _) = graph(&tree);
    let uses = |file: &str| graph[file].keys().cloned().collect::<Vec<_>>();
    assert_eq!(uses("src/lib.rs"), Vec::<String>::new());
    assert_eq!(uses("src/syntax/mod.rs"), Vec::<String>::new());
    assert_eq!(
        uses("src/syntax/ast.rs"),
        ["src/span.rs", "src/syntax/mod.rs"]
    );
    assert!(find_cycles(&graph).is_empty());
}

#[test]
fn files_and_printing_stay_at_the_edges() {
    let tree = made_up(&[
        ("src/lib.rs", "mod check; mod config;"),
        (
            "src/check.rs",
            "use std::fs;\nfn f() { let _ = fs::read(\"x\"); }\n\
             fn g() { let _ = std::fs::read_to_string(\"y\"); println!(\"hi\"); }",
        ),
        (
            "src/config.rs",
            "fn f() { let _ = std::fs::read(\"qc.toml\"); }",
        ),
        (
            "src/bin/qc/main.rs",
            "fn main() { println!(\"{}\", qc::x()); }",
        ),
    ]);
    let found = problems(&tree, &made_up_table(), &[]);
    assert_eq!(
        found,
        [
            "src/check.rs:1: `std::fs` below the config layer: only config and the shells touch files",
            "src/check.rs:2: `std::fs::read` below the config layer: only config and the shells touch files",
            "src/check.rs:3: `std::fs::read_to_string` below the config layer: only config and the shells touch files",
            "src/check.rs:3: `println!` in the library: only binaries print",
        ]
    );
}

#[test]
fn the_layer_table_is_read_from_the_architecture_document() {
    let table = layers(&architecture());
    for module in [
        "span",
        "diagnostic",
        "syntax",
        "schema",
        "check",
        "lib",
        "config",
        "bin",
    ] {
        assert!(
            table.contains_key(module),
            "`{module}` is missing from the table"
        );
    }
    assert!(table["span"] < table["diagnostic"] && table["diagnostic"] < table["syntax"]);
    assert!(table["syntax"] < table["check"] && table["check"] < table["lib"]);
    assert!(table["lib"] < table["config"] && table["config"] < table["bin"]);
}
