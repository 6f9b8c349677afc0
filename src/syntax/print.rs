//! `Display` for the syntax tree: the canonical printer.
//!
//! Printing a tree gives query text that parses back to the same tree:
//! keywords in upper case, single spaces, values quoted only when they
//! must be, and parentheses exactly where the tree has [`ExprKind::Paren`]
//! nodes or where precedence requires them.

use std::fmt;

use super::ast::{Comparison, Expr, ExprKind, OrderBy, Scalar, Value, ValueKind};
use super::lexical::{sort_field_text, write_value};

fn write_expr(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    let prec = e.kind.precedence();
    if prec < min {
        f.write_str("(")?;
        write_expr(f, e, 0)?;
        return f.write_str(")");
    }
    match &e.kind {
        ExprKind::Or(items) => write_joined(f, items, " OR ", 2),
        ExprKind::And(items) => write_joined(f, items, " AND ", 3),
        ExprKind::Not(inner) => {
            f.write_str("NOT ")?;
            write_expr(f, inner, 3)
        }
        ExprKind::Paren(inner) => {
            f.write_str("(")?;
            write_expr(f, inner, 0)?;
            f.write_str(")")
        }
        ExprKind::Compare(c) => write!(f, "{c}"),
        ExprKind::Error => f.write_str("<error>"),
    }
}

fn write_joined(f: &mut fmt::Formatter<'_>, items: &[Expr], sep: &str, min: u8) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_expr(f, item, min)?;
    }
    Ok(())
}

impl fmt::Display for Expr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expr(f, self, 0)
    }
}

impl fmt::Display for Comparison<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = super::lexical::field_text(&self.field.name);
        if !self.op.spelling.takes_value() {
            // `IS NULL` holds its value.
            return write!(f, "{name} {}", self.op.spelling);
        }
        write!(f, "{name} {} {}", self.op.spelling, self.value)
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ValueKind::Scalar(s) => write!(f, "{s}"),
            ValueKind::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            ValueKind::Error => f.write_str("<error>"),
        }
    }
}

impl fmt::Display for Scalar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.quoted && self.text.eq_ignore_ascii_case("null") {
            return f.write_str("null");
        }
        write_value(f, &self.text)
    }
}

impl fmt::Display for OrderBy<'_> {
    /// `ORDER BY field`, then `ASC` or `DESC` where it was written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ORDER BY {}", sort_field_text(&self.field.name))?;
        match self.order {
            Some((order, _)) => write!(f, " {}", order.keyword()),
            None => Ok(()),
        }
    }
}

impl fmt::Display for super::Ast<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.root)?;
        match &self.order_by {
            Some(order_by) => write!(f, " {order_by}"),
            None => Ok(()),
        }
    }
}
