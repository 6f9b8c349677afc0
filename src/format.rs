//! The formatter behind `qc fmt`: the canonical printer of
//! [`syntax`](crate::syntax), with long queries broken across lines.
//!
//! What it does to a well-formed query:
//!
//! - keywords in upper case (`and` → `AND`, `not in` → `NOT IN`); an
//!   operator keeps the spelling it was written with (`>=` stays `>=`,
//!   `CONTAINS` stays `CONTAINS`), because the aliases exist for reading;
//! - single spaces around operators and keywords, `[a, b]` for lists;
//! - values bare when they can be read back unchanged, else double-quoted
//!   with escapes (`'a b'` → `"a b"`, `"open"` → `open`);
//! - **parentheses**: those around an `AND`/`OR` group are kept as written
//!   (even where precedence does not need them, since they may say something
//!   to a reader); those that group nothing are removed: around the whole
//!   query, around a single comparison, around a `NOT`, and doubled ones
//!   (`((a OR b))` → `(a OR b)`);
//! - a query that fits in `width` columns stays on one line; a longer one
//!   is broken at `OR`/`AND`, one operand per line with the keyword in front,
//!   and a parenthesised group that does not fit opens a block indented by
//!   two spaces:
//!
//! ```text
//! state = open
//! AND (
//!   source.author.email ENDS WITH "@example.com"
//!   OR tag_ids IN [123, 456, 789]
//! )
//! AND NOT source.subject CONTAINS refund
//! ```
//!
//! Comparisons and lists are never broken. An `ORDER BY` clause ends the
//! query: on its line when the query is one line and it fits, else on a
//! line of its own; `ASC` or `DESC` is written where the query wrote it
//! (without, the API sorts descending). Formatting never changes what a
//! query means (`compile(format(q)) == compile(q)`) and is idempotent
//! (`format(format(q)) == format(q)`).
//!
//! **Comments** (`#` or `--` to the end of the line) are kept by
//! [`format_source`], each attached to a comparison: one on a line of its
//! own goes before the comparison that follows it (before its `AND`/`OR`);
//! one after code on a line goes after the comparison it follows, two
//! spaces on, and comments inside a comparison go after it. A comment
//! before the first comparison starts the output, one after the last ends
//! it (the `ORDER BY` clause counts as a comparison here); a comment
//! anywhere else breaks the query into lines, since a comment runs to the
//! end of its line:
//!
//! ```text
//! # open conversations waiting for us
//! state = open
//! AND read = false  -- unread only
//! AND priority = priority
//! ```

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::syntax::lexical::{KEYWORDS, is_keyword};
use crate::syntax::{Ast, Comparison, Expr, ExprKind, OrderBy, Span};

pub use crate::options::DEFAULT_WIDTH;

/// Indentation of a parenthesised block.
const INDENT: usize = 2;

/// Formats query text, comments included; a query with syntax errors is
/// not formatted and gives its diagnostics instead.
///
/// ```
/// let text = qc::format::format_source("state=open and(read = 'true'  )", 80);
/// assert_eq!(text.unwrap(), "state = open AND read = true");
/// let text = qc::format::format_source("state=open # not closed\n and read=false", 80);
/// assert_eq!(text.unwrap(), "state = open  # not closed\nAND read = false");
/// ```
pub fn format_source(source: &str, width: usize) -> Result<String, Vec<Diagnostic>> {
    crate::parse(source)
        .into_result()
        .map(|ast| format_with_comments(&ast, source, width))
        .map_err(|mut diagnostics| {
            // Syntax is fmt's business: a fix is offered when it leaves
            // fewer syntax errors.
            crate::diagnostic::fixes::keep_fixes_that_fix(source, &mut diagnostics, |text| {
                crate::parse(text).diagnostics
            });
            diagnostics
        })
}

/// Formats a syntax tree within `width` columns (a comparison longer than
/// the width still gets a line of its own), without its comments (the tree
/// knows where they are, not what they say: see [`format_with_comments`]).
/// The tree should be free of syntax errors: error nodes print as
/// `<error>`.
pub fn format(ast: &Ast, width: usize) -> String {
    let mut p = Printer {
        width,
        out: String::new(),
        col: 0,
        comments: Comments::default(),
        commented: false,
        query_start: 0,
    };
    p.expr(&ast.root, Context::ROOT, 0);
    if let Some(order_by) = &ast.order_by {
        p.order_by(order_by, &[], &[]);
    }
    p.out
}

/// [`format()`], keeping the comments of the tree, whose text is read from
/// `source` (the text the tree was parsed from).
pub fn format_with_comments(ast: &Ast, source: &str, width: usize) -> String {
    let mut leaves = Vec::new();
    collect_leaves(&ast.root, &mut leaves);
    leaves.extend(ast.order_by.as_ref().map(|o| o.span));
    let mut comments = attach(source, &ast.comments, &leaves);
    // Comments before the first comparison and after the last one need no
    // line breaks in the query: they are written around it.
    let head = leaves
        .first()
        .and_then(|l| comments.get_mut(l.start()))
        .map(|c| std::mem::take(&mut c.leading))
        .unwrap_or_default();
    let (tail, after) = leaves
        .last()
        .and_then(|l| comments.get_mut(l.start()))
        .map(|c| {
            (
                std::mem::take(&mut c.trailing),
                std::mem::take(&mut c.after),
            )
        })
        .unwrap_or_default();
    let mut p = Printer {
        width,
        out: String::new(),
        col: 0,
        comments,
        commented: false,
        query_start: 0,
    };
    for c in &head {
        p.out.push_str(c);
        p.out.push('\n');
    }
    p.query_start = p.out.len();
    p.expr(&ast.root, Context::ROOT, 0);
    match &ast.order_by {
        Some(order_by) => {
            // Its comments on lines before it go there; `tail` is its own.
            let leading = p.comments.take(order_by.span.start()).leading;
            p.order_by(order_by, &leading, &tail);
        }
        None => p.trailing(&tail),
    }
    for c in &after {
        p.out.push('\n');
        p.out.push_str(c);
    }
    p.out
}

/// The comments attached to one comparison.
#[derive(Debug, Default)]
struct Attached {
    /// On lines of their own before it.
    leading: Vec<String>,
    /// After it on its line (several are written as one).
    trailing: Vec<String>,
    /// On lines of their own after it: only after the last comparison.
    after: Vec<String>,
}

/// Comments not yet written, by the start of the comparison they go with,
/// sorted by it: a list rather than a `BTreeMap` (whose code is 7 KB of the
/// WebAssembly module), as comments come in source order and so each new
/// entry goes at its end.
#[derive(Debug, Default)]
struct Comments(Vec<(usize, Attached)>);

impl Comments {
    /// The comments of the comparison starting at `start`, none yet when
    /// it had none.
    fn entry(&mut self, start: usize) -> &mut Attached {
        let i = self
            .0
            .binary_search_by_key(&start, |(s, _)| *s)
            .unwrap_or_else(|i| {
                self.0.insert(i, (start, Attached::default()));
                i
            });
        &mut self.0[i].1
    }

    /// The comments of the comparison starting at `start`, if it has any.
    fn get_mut(&mut self, start: usize) -> Option<&mut Attached> {
        let i = self.0.binary_search_by_key(&start, |(s, _)| *s).ok()?;
        Some(&mut self.0[i].1)
    }

    /// Takes the comments of the comparison starting at `start`.
    fn take(&mut self, start: usize) -> Attached {
        self.get_mut(start).map(std::mem::take).unwrap_or_default()
    }

    /// True when a comparison starting in `starts` has comments before it
    /// or on its line still to write.
    fn any_in(&self, starts: Range<usize>) -> bool {
        let from = self.0.partition_point(|(s, _)| *s < starts.start);
        self.0[from..]
            .iter()
            .take_while(|(s, _)| *s < starts.end)
            .any(|(_, c)| !c.leading.is_empty() || !c.trailing.is_empty())
    }
}

/// The comparisons (and error nodes) of a tree, in source order.
fn collect_leaves(e: &Expr, out: &mut Vec<Span>) {
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => {
            items.iter().for_each(|i| collect_leaves(i, out));
        }
        ExprKind::Not(inner) | ExprKind::Paren(inner) => collect_leaves(inner, out),
        ExprKind::Compare(_) | ExprKind::Error => out.push(e.span),
    }
}

/// Attaches each comment to a comparison (keyed by where it starts): see
/// the module documentation.
fn attach(source: &str, comments: &[Span], leaves: &[Span]) -> Comments {
    let mut out = Comments::default();
    for &c in comments {
        let Some(text) = source.get(c.range()) else {
            continue;
        };
        let text = text.trim_end().to_owned();
        let line_start = source
            .get(..c.start())
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let own_line = source
            .get(line_start..c.start())
            .is_some_and(|s| s.trim().is_empty());
        let inside = leaves
            .iter()
            .find(|l| l.start() < c.start() && c.start() < l.end());
        let previous = leaves.iter().rev().find(|l| l.end() <= c.start());
        let next = leaves.iter().find(|l| l.start() >= c.end());
        match (inside, previous, next) {
            (Some(l), _, _) => out.entry(l.start()).trailing.push(text),
            (None, Some(l), _) if !own_line => out.entry(l.start()).trailing.push(text),
            (None, _, Some(l)) => out.entry(l.start()).leading.push(text),
            (None, Some(l), None) => out.entry(l.start()).after.push(text),
            (None, None, None) => {}
        }
    }
    out
}

/// Formats a syntax tree on one line.
pub fn format_flat(ast: &Ast) -> String {
    let mut out = String::new();
    flat(&mut out, &ast.root, Context::ROOT);
    if let Some(order_by) = &ast.order_by {
        out.push(' ');
        out.push_str(&order_by.to_string());
    }
    out
}

/// Where an expression is printed.
#[derive(Debug, Clone, Copy)]
struct Context {
    /// The weakest operator that may appear without parentheses.
    min: u8,
    /// The whole query: no parentheses kept.
    root: bool,
    /// Directly after `NOT`.
    under_not: bool,
}

impl Context {
    const ROOT: Context = Context {
        min: 0,
        root: true,
        under_not: false,
    };
    const OR_ITEM: Context = Context {
        min: 2,
        root: false,
        under_not: false,
    };
    const AND_ITEM: Context = Context {
        min: 3,
        root: false,
        under_not: false,
    };
    const NOT_ITEM: Context = Context {
        min: 3,
        root: false,
        under_not: true,
    };
}

/// The expression under any parentheses, and whether to print parentheses
/// around it.
fn shape<'a, 's>(e: &'a Expr<'s>, cx: Context) -> (bool, &'a Expr<'s>) {
    let mut inner = e;
    let mut written = false;
    while let ExprKind::Paren(x) = &inner.kind {
        inner = x;
        written = true;
    }
    let keep = written
        && !cx.root
        && match &inner.kind {
            ExprKind::Or(_) | ExprKind::And(_) => true,
            // `NOT in = 1` would read as the operator `NOT IN`.
            ExprKind::Compare(c) => cx.under_not && field_reads_as_operator(c),
            _ => false,
        };
    (keep || inner.kind.precedence() < cx.min, inner)
}

fn field_reads_as_operator(c: &Comparison) -> bool {
    KEYWORDS.iter().any(|k| is_keyword(&c.field.name, k))
}

/// Where the first comparison of `e` is.
fn first_leaf(e: &Expr) -> Span {
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => items.first().map_or(e.span, first_leaf),
        ExprKind::Not(inner) | ExprKind::Paren(inner) => first_leaf(inner),
        ExprKind::Compare(_) | ExprKind::Error => e.span,
    }
}

/// Writes `e` on one line.
fn flat(out: &mut String, e: &Expr, cx: Context) {
    let (parens, e) = shape(e, cx);
    if parens {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Or(items) => flat_joined(out, items, " OR ", Context::OR_ITEM),
        ExprKind::And(items) => flat_joined(out, items, " AND ", Context::AND_ITEM),
        ExprKind::Not(inner) => {
            out.push_str("NOT ");
            flat(out, inner, Context::NOT_ITEM);
        }
        // `shape` removed every parenthesis.
        ExprKind::Paren(_) | ExprKind::Compare(_) | ExprKind::Error => {
            out.push_str(&e.to_string());
        }
    }
    if parens {
        out.push(')');
    }
}

fn flat_joined(out: &mut String, items: &[Expr], sep: &str, cx: Context) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        flat(out, item, cx);
    }
}

struct Printer {
    width: usize,
    out: String,
    /// Column of the end of `out`, in characters.
    col: usize,
    /// Comments not yet written, by the start of their comparison.
    comments: Comments,
    /// The current line ends in a comment: nothing more goes on it.
    commented: bool,
    /// Where the query starts in `out` (after the comments before it).
    query_start: usize,
}

impl Printer {
    /// True when a comparison of `e` still has comments to write: then `e`
    /// cannot be written on one line.
    fn has_comments(&self, e: &Expr) -> bool {
        self.comments
            .any_in(e.span.start()..e.span.end().max(e.span.start() + 1))
    }

    /// Writes the comments that go before `e` (before its first comparison),
    /// each on its own line at `indent`.
    fn leading(&mut self, e: &Expr, indent: usize) {
        let Some(comments) = self.comments.get_mut(first_leaf(e).start()) else {
            return;
        };
        for c in std::mem::take(&mut comments.leading) {
            self.push(&c);
            self.newline(indent);
        }
    }

    /// Writes comments after code on the current line, as one comment.
    fn trailing(&mut self, comments: &[String]) {
        if comments.is_empty() {
            return;
        }
        self.push("  ");
        self.push(&comments.join(" "));
        self.commented = true;
    }

    /// Writes the `ORDER BY` clause after the query: on the query's line
    /// when the query is one line without comments and the clause fits,
    /// else on a line of its own after the `leading` comments; then its
    /// `trailing` comments.
    fn order_by(&mut self, order_by: &OrderBy, leading: &[String], trailing: &[String]) {
        let text = order_by.to_string();
        let fits = self.col + 1 + text.chars().count() <= self.width;
        let one_line = !self
            .out
            .get(self.query_start..)
            .is_some_and(|q| q.contains('\n'));
        if leading.is_empty() && !self.commented && one_line && fits {
            self.push(" ");
        } else {
            self.newline(0);
            for c in leading {
                self.push(c);
                self.newline(0);
            }
        }
        self.push(&text);
        self.trailing(trailing);
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        self.col += s.chars().count();
    }

    fn newline(&mut self, indent: usize) {
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.col = indent;
        self.commented = false;
    }

    /// Writes `e` at the current column; continuation lines start at
    /// `indent`.
    fn expr(&mut self, e: &Expr, cx: Context, indent: usize) {
        if !self.has_comments(e) {
            let mut one_line = String::new();
            flat(&mut one_line, e, cx);
            if self.col + one_line.chars().count() <= self.width {
                self.push(&one_line);
                return;
            }
        }
        let (parens, e) = shape(e, cx);
        if parens {
            self.push("(");
            self.newline(indent + INDENT);
            self.leading(e, indent + INDENT);
            self.body(e, indent + INDENT);
            self.newline(indent);
            self.push(")");
        } else {
            self.body(e, indent);
        }
    }

    /// Writes an expression whose parentheses were dealt with, broken.
    fn body(&mut self, e: &Expr, indent: usize) {
        match &e.kind {
            ExprKind::Or(items) => self.joined(items, "OR ", Context::OR_ITEM, indent),
            ExprKind::And(items) => self.joined(items, "AND ", Context::AND_ITEM, indent),
            ExprKind::Not(inner) => {
                self.push("NOT ");
                self.expr(inner, Context::NOT_ITEM, indent);
            }
            ExprKind::Paren(_) | ExprKind::Compare(_) | ExprKind::Error => {
                self.push(&e.to_string());
                // Comments left on this comparison (its leading ones were
                // written before the line it starts, if it starts one).
                let attached = self.comments.take(e.span.start());
                let mut comments = attached.leading;
                comments.extend(attached.trailing);
                self.trailing(&comments);
            }
        }
    }

    /// One operand per line, the keyword in front of all but the first.
    fn joined(&mut self, items: &[Expr], keyword: &str, cx: Context, indent: usize) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.newline(indent);
                self.leading(item, indent);
                self.push(keyword);
            }
            // An operand that is itself a group without parentheses (AND
            // under OR) is indented further so that its lines stand apart.
            let (parens, inner) = shape(item, cx);
            let bare_group = !parens && matches!(inner.kind, ExprKind::Or(_) | ExprKind::And(_));
            let at = if bare_group { indent + INDENT } else { indent };
            self.expr(item, cx, at);
        }
    }
}
