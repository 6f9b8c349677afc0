//! [`Pull`]: a workspace's schema from the API, as the one document that
//! `--schema` reads ([`Workspace::document`]).
//!
//! It sends `GET /data_attributes?model=…&include_archived=true` for
//! contacts, conversations and companies, and `GET /ticket_types` when the
//! API version searches tickets, through the client's [`Exchange`]: the
//! same token, base URL, `Intercom-Version`, retries, pacing and waits as a
//! search. A list that comes in pages (`pages.next.starting_after`) is
//! followed to its end, at most [`MAX_LIST_PAGES`] pages, and a repeated
//! cursor stops it. Every string of the document has passed through the
//! client's [`Redactor`](super::Redactor).

use std::collections::HashSet;

use serde_json::Value;

use super::error::SearchError;
use super::exchange::{Event, Exchange, Session, Stats};
use super::retry::Clock;
use super::transport::{Method, Transport};
use crate::Target;
use crate::schema::Workspace;

/// The most pages read of one list.
pub const MAX_LIST_PAGES: u64 = 1000;

/// The models whose data attributes are pulled, as the API names them.
const DATA_ATTRIBUTE_MODELS: [&str; 3] = ["contact", "conversation", "company"];

/// A pull that failed: the request that failed, and why. Neither holds
/// the token. Shown as `GET {path}: {error}` (a transport error names
/// the request itself).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", shown(path, error))]
pub struct PullError {
    /// The path asked for, query included: `/ticket_types`.
    pub path: String,
    /// Why it failed.
    pub error: Box<SearchError>,
}

fn shown(path: &str, error: &SearchError) -> String {
    match error {
        SearchError::Transport { .. } => error.to_string(),
        _ => format!("GET {path}: {error}"),
    }
}

/// A schema pull, made by [`Client::pull_schema`](super::Client::pull_schema):
/// nothing is sent until [`Pull::run`].
pub struct Pull<'c, T, C> {
    exchange: Exchange<'c, T, C>,
}

/// One page of a list.
struct Page {
    items: Vec<Value>,
    next: Option<String>,
}

impl<'c, T: Transport, C: Clock> Pull<'c, T, C> {
    pub(super) fn new(session: Session<'c, T, C>) -> Self {
        Pull {
            exchange: Exchange::new(session),
        }
    }

    /// Calls `observer` with every [`Event`] and the counts so far.
    pub fn on_event(mut self, observer: impl FnMut(&Event, &Stats) + 'c) -> Self {
        self.exchange.observe(Box::new(observer));
        self
    }

    /// The counts so far.
    pub fn stats(&self) -> &Stats {
        &self.exchange.stats
    }

    /// Fetches every list and returns the schema document: the data
    /// attributes of every model (archived ones included, each with its
    /// `model`), and the ticket types when the API version searches
    /// tickets.
    pub fn run(&mut self) -> Result<Value, PullError> {
        let version = self.exchange.session.version;
        let mut attributes = Vec::new();
        for model in DATA_ATTRIBUTE_MODELS {
            let path = format!("/data_attributes?model={model}&include_archived=true");
            for mut item in self.list(&path, &["data"])? {
                // The list is of this model: an entry without its own
                // `model` is of it too.
                if let Value::Object(entry) = &mut item {
                    entry.entry("model").or_insert_with(|| Value::from(model));
                }
                attributes.push(item);
            }
        }
        let ticket_types = if crate::schema::versions_of(Target::Tickets).contains(&version) {
            Some(self.list("/ticket_types", &["ticket_types", "data"])?)
        } else {
            None
        };
        Ok(Workspace::document(version, attributes, ticket_types))
    }

    /// Every item of the list at `path` (under the first of `keys` that the
    /// body has), page after page.
    fn list(&mut self, path: &str, keys: &[&str]) -> Result<Vec<Value>, PullError> {
        let fail = |error| PullError {
            path: path.to_owned(),
            error: Box::new(error),
        };
        let base = self.exchange.session.base;
        let mut items = Vec::new();
        let mut cursors = HashSet::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_LIST_PAGES {
            let asked = match &cursor {
                None => path.to_owned(),
                Some(c) => {
                    let join = if path.contains('?') { '&' } else { '?' };
                    let c = percent_encoding::utf8_percent_encode(c, QUERY_VALUE);
                    format!("{path}{join}starting_after={c}")
                }
            };
            let url = base.join(&asked);
            let shown = format!("{base}{asked}");
            let response = (self.exchange)
                .send(Method::Get, &url, &shown, &[])
                .map_err(fail)?;
            let page = self.read(&response.body, keys).map_err(fail)?;
            let stats = &mut self.exchange.stats;
            stats.pages += 1;
            stats.fetched += page.items.len() as u64;
            stats.emitted += page.items.len() as u64;
            self.exchange.notify(&Event::Page {
                items: page.items.len(),
                total_count: None,
                more: page.next.is_some(),
            });
            items.extend(page.items);
            match page.next {
                None => return Ok(items),
                Some(next) if !cursors.insert(next.clone()) => {
                    let redactor = self.exchange.session.redactor;
                    return Err(fail(SearchError::CursorLoop {
                        cursor: redactor.text(&next).shortened(100),
                    }));
                }
                Some(next) => cursor = Some(next),
            }
        }
        Err(fail(SearchError::TooManyRequests {
            max: MAX_LIST_PAGES,
        }))
    }

    /// Reads a list: its items, redacted, and the next page's cursor.
    fn read(&self, body: &[u8], keys: &[&str]) -> Result<Page, SearchError> {
        let redactor = self.exchange.session.redactor;
        let malformed = |why: String| SearchError::Malformed(redactor.text(&why));
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| malformed(format!("the body is not JSON ({e})")))?;
        let Value::Object(mut object) = value else {
            return Err(malformed("the body is not a JSON object".to_owned()));
        };
        let Some(key) = keys.iter().find(|k| object.contains_key(**k)) else {
            let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            return Err(malformed(format!(
                "the body has no {} list",
                names.join(" or ")
            )));
        };
        let mut items = match object.remove(*key) {
            Some(Value::Array(items)) => items,
            _ => return Err(malformed(format!("`{key}` is not a list"))),
        };
        if let Some(i) = items.iter().position(|item| !item.is_object()) {
            return Err(malformed(format!("`{key}[{i}]` is not an object")));
        }
        for item in &mut items {
            redactor.value(item);
        }
        let next = super::chain::next_cursor(&object).map_err(|why| malformed(why.to_owned()))?;
        Ok(Page { items, next })
    }
}

/// What a cursor in a query string keeps: the unreserved characters of
/// RFC 3986; everything else is percent-encoded.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
