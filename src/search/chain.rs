//! [`Chain`]: the pages of one request body, followed cursor by cursor,
//! with the checks that make it end (a repeated cursor, pages without
//! progress); the same whether the bodies of a search run one after
//! another or at once.

use std::collections::HashSet;

use serde_json::{Map, Number, Value, json};

use super::error::SearchError;
use super::exchange::{Exchange, Session};
use super::redact::Redactor;
use super::retry::Clock;
use super::transport::{Method, Transport};
use crate::Target;

/// How many pages in a row may add no new result, each promising more,
/// before a search stops ([`SearchError::NoProgress`]).
pub const MAX_PAGES_WITHOUT_PROGRESS: u32 = 2;

/// The `id` of a result as the API types it: `"7"` and `7` are two
/// results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Id {
    Text(String),
    Number(Number),
}

impl Id {
    fn of(item: &Value) -> Option<Self> {
        match item.get("id")? {
            Value::String(id) => Some(Id::Text(id.clone())),
            Value::Number(id) => Some(Id::Number(id.clone())),
            _ => None,
        }
    }
}

/// Where a search sends its pages, and how large they are.
#[derive(Debug, Clone)]
pub(super) struct Endpoint {
    pub(super) target: Target,
    pub(super) url: String,
    /// The URL as shown in errors (no user information).
    pub(super) shown_url: String,
    /// Results a page.
    pub(super) per_page: u64,
    /// The most results the search gives.
    pub(super) limit: Option<u64>,
}

impl Endpoint {
    pub(super) fn new<T, C>(
        session: &Session<'_, T, C>,
        target: Target,
        limit: Option<u64>,
    ) -> Self {
        Endpoint {
            target,
            url: session.base.join(target.search_path()),
            shown_url: format!("{}{}", session.base, target.search_path()),
            per_page: u64::from(session.per_page),
            limit,
        }
    }

    /// Fetches `chain`'s next page through `exchange` and takes it.
    pub(super) fn fetch<T: Transport, C: Clock>(
        &self,
        exchange: &mut Exchange<'_, T, C>,
        chain: &mut Chain,
    ) -> Result<Taken, SearchError> {
        let redactor = exchange.session.redactor;
        let bytes = chain.request(self).map_err(|e| {
            SearchError::Malformed(redactor.text(&format!("cannot encode the request: {e}")))
        })?;
        let response = exchange.send(Method::Post, &self.url, &self.shown_url, &bytes)?;
        let page = read_page(self.target, &response.body, redactor)?;
        Ok(chain.take(page, self.target, redactor))
    }
}

/// The cursor state of one request body.
#[derive(Debug)]
pub(super) struct Chain {
    /// Its position among the bodies.
    pub(super) index: usize,
    body: Map<String, Value>,
    /// The cursor of the next page; `None` before the first page and
    /// after the last.
    next: Option<String>,
    started: bool,
    /// Every cursor followed so far, to catch a loop.
    cursors: HashSet<String>,
    /// Pages in a row that added nothing new to this body's results.
    stale: u32,
    /// Every id its pages gave.
    ids: HashSet<Id>,
}

impl Chain {
    /// The chain of body number `index`, which must be a JSON object.
    pub(super) fn new(index: usize, body: Value) -> Result<Chain, SearchError> {
        let Value::Object(body) = body else {
            return Err(SearchError::Body { index });
        };
        Ok(Chain {
            index,
            body,
            next: None,
            started: false,
            cursors: HashSet::new(),
            stale: 0,
            ids: HashSet::new(),
        })
    }

    /// True while pages remain.
    pub(super) fn has_more(&self) -> bool {
        !self.started || self.next.is_some()
    }

    /// True while pages remain that the search may need: a body whose own
    /// results reach the limit has given the search enough (whatever
    /// came before it, the union holds that many).
    pub(super) fn wants_more(&self, limit: Option<u64>) -> bool {
        self.has_more() && limit.is_none_or(|l| (self.ids.len() as u64) < l)
    }

    /// The next page's request body: the body with `pagination`. The
    /// first body's pages hold no more than the limit still needs (its
    /// new results are the search's so far); later bodies ask for whole
    /// pages, since some of their results may have come already.
    fn request(&self, endpoint: &Endpoint) -> Result<Vec<u8>, serde_json::Error> {
        let per_page = match endpoint.limit {
            Some(limit) if self.index == 0 => endpoint
                .per_page
                .min(limit.saturating_sub(self.ids.len() as u64)),
            _ => endpoint.per_page,
        };
        let mut body = self.body.clone();
        let mut pagination = Map::new();
        pagination.insert("per_page".to_owned(), json!(per_page));
        if let Some(cursor) = &self.next {
            pagination.insert("starting_after".to_owned(), json!(cursor));
        }
        body.insert("pagination".to_owned(), Value::Object(pagination));
        serde_json::to_vec(&body)
    }

    /// Takes a page: the results new to this body, its cursor, and any
    /// error found on it.
    fn take(&mut self, page: Page, target: Target, redactor: &Redactor) -> Taken {
        let first = !self.started;
        self.started = true;
        let count = page.items.len();
        let mut fresh = Vec::with_capacity(count);
        let mut repeated = 0;
        let mut pending = None;
        for item in page.items {
            let Some(id) = Id::of(&item) else {
                pending = Some(SearchError::Malformed(
                    redactor.text(&format!("a result in `{}` has no `id`", target.list_key())),
                ));
                break;
            };
            if self.ids.insert(id.clone()) {
                fresh.push((id, item));
            } else {
                repeated += 1;
            }
        }

        self.next = None;
        if pending.is_none()
            && let Some(cursor) = &page.next
        {
            if !self.cursors.insert(cursor.clone()) {
                pending = Some(SearchError::CursorLoop {
                    cursor: redactor.text(cursor).shortened(100),
                });
            } else if !fresh.is_empty() {
                self.stale = 0;
                self.next = Some(cursor.clone());
            } else {
                self.stale += 1;
                if self.stale >= MAX_PAGES_WITHOUT_PROGRESS {
                    pending = Some(SearchError::NoProgress { pages: self.stale });
                } else {
                    self.next = Some(cursor.clone());
                }
            }
        }
        Taken {
            fresh,
            repeated,
            count,
            total_count: page.total_count,
            first,
            more: page.next.is_some(),
            pending,
        }
    }
}

/// A page, read.
struct Page {
    items: Vec<Value>,
    total_count: Option<u64>,
    next: Option<String>,
}

/// A page, taken by its chain.
#[derive(Debug)]
pub(super) struct Taken {
    /// Its results new to its body, in order, with their ids (up to one
    /// without an id).
    pub(super) fresh: Vec<(Id, Value)>,
    /// Its results that the body had given before.
    pub(super) repeated: usize,
    /// The results on it.
    pub(super) count: usize,
    /// Its `total_count`.
    pub(super) total_count: Option<u64>,
    /// True for the first page of its body.
    pub(super) first: bool,
    /// Whether the API promised another page.
    pub(super) more: bool,
    /// An error found on it, reported after its results.
    pub(super) pending: Option<SearchError>,
}

/// Reads a search response: the target's list of objects, the
/// `total_count` and the next cursor.
/// The cursor of a list's next page (`pages.next.starting_after`), `None`
/// on the last page; the reason when the answer's `pages` is malformed.
pub(super) fn next_cursor(object: &Map<String, Value>) -> Result<Option<String>, &'static str> {
    match object.get("pages").and_then(|p| p.get("next")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(next)) => match next.get("starting_after") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(cursor)) if !cursor.is_empty() => Ok(Some(cursor.clone())),
            Some(_) => Err("`pages.next.starting_after` is not a cursor"),
        },
        Some(_) => Err("`pages.next` is not an object"),
    }
}

fn read_page(target: Target, body: &[u8], redactor: &Redactor) -> Result<Page, SearchError> {
    let key = target.list_key();
    let malformed = |why: String| SearchError::Malformed(redactor.text(&why));
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| malformed(format!("the body is not JSON ({e})")))?;
    let Value::Object(mut object) = value else {
        return Err(malformed("the body is not a JSON object".to_owned()));
    };
    let items = match object.remove(key) {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(malformed(format!("`{key}` is not a list"))),
        None => return Err(malformed(format!("the body has no `{key}` list"))),
    };
    if let Some(i) = items.iter().position(|item| !item.is_object()) {
        return Err(malformed(format!("`{key}[{i}]` is not an object")));
    }
    let total_count = object.get("total_count").and_then(Value::as_u64);
    let next = next_cursor(&object).map_err(|why| malformed(why.to_owned()))?;
    Ok(Page {
        items,
        total_count,
        next,
    })
}
