//! Lists of records: what a list page was asked for (search, sort, filters,
//! page), read from untrusted query parameters and written back into links.
//! One generic query serves every record type; each declares its sort keys
//! and filters once.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Date, Kind};

/// Page sizes a user may choose.
pub const PAGE_SIZES: [u32; 4] = [10, 20, 50, 100];
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// Search text longer than this is cut: nobody types it, and it bounds the work.
const SEARCH_MAX: usize = 100;

/// How one kind of list can be ordered. The first of [`SortKey::ALL`] that
/// equals `Default` is what a list shows unless asked otherwise.
pub trait SortKey:
    Copy + Eq + Default + Debug + Serialize + DeserializeOwned + Send + Sync + 'static
{
    const ALL: &'static [Self];
    /// The value in the `sort` query parameter.
    fn param(self) -> &'static str;
    fn label(self) -> &'static str;

    fn from_param(param: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.param() == param)
    }
}

/// Declares a list's sort keys in one table: each key's variant, its
/// `sort` query parameter and its label. The first is the default.
#[macro_export]
macro_rules! sort_keys {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $first:ident => ($first_param:literal, $first_label:literal)
        $(, $key:ident => ($param:literal, $label:literal))* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            #[default]
            $first,
            $($key),*
        }

        impl $crate::domain::list::SortKey for $name {
            const ALL: &'static [Self] = &[Self::$first, $(Self::$key),*];

            fn param(self) -> &'static str {
                match self {
                    Self::$first => $first_param,
                    $(Self::$key => $param),*
                }
            }

            fn label(self) -> &'static str {
                match self {
                    Self::$first => $first_label,
                    $(Self::$key => $label),*
                }
            }
        }
    };
}

/// The filters a list takes besides the search text (`?category=dog`). A
/// malformed value is ignored, like every other list parameter.
pub trait ListFilter:
    Clone + Default + PartialEq + Eq + Debug + Serialize + DeserializeOwned + Send + Sync + 'static
{
    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self;
    /// The parameters that state this filter in a URL, in a fixed order.
    fn to_params(&self) -> Vec<(&'static str, String)>;
}

/// For lists without filters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoFilter;

impl ListFilter for NoFilter {
    fn from_params(_: &dyn Fn(&str) -> Option<String>) -> Self {
        NoFilter
    }
    fn to_params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A positive id from a query parameter, or nothing.
pub fn id_param(raw: Option<String>) -> Option<i64> {
    raw.and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id > 0)
}

/// A filter a list shows with how many records each choice holds for the
/// current search: one URL parameter, and its choices (value, label); no
/// choices declared means its values are the records' own (a pet's
/// category), each its own label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facet {
    pub param: &'static str,
    pub label: &'static str,
    pub choices: &'static [(&'static str, &'static str)],
}

impl Facet {
    /// The declared choice the URL names for this facet, if any.
    pub fn chosen(&self, get: &dyn Fn(&str) -> Option<String>) -> Option<&'static str> {
        let asked = get(self.param)?;
        self.choices
            .iter()
            .map(|(value, _)| *value)
            .find(|value| *value == asked.trim())
    }
}

/// One choice of a [`Facet`], counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetChoice {
    pub value: String,
    pub label: String,
    pub count: i64,
}

/// A [`Facet`]'s choices with their counts, for the search shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCounts {
    pub param: String,
    pub label: String,
    pub choices: Vec<FacetChoice>,
}

/// One kind of list: its records, sort keys, filters and where it lives.
pub trait Listing: 'static {
    type Sort: SortKey;
    type Filter: ListFilter;
    const KIND: Kind;
    /// Its filters that show counts (see [`Facet`]).
    const FACETS: &'static [Facet] = &[];
    /// Its records can be chosen by the days they were added on ("added
    /// between"; the database side says which column: `Listed::ADDED`).
    const DATED: bool = false;
    /// The path of the page that shows the list (`/pets/`, or a parent's
    /// page for a list of its children).
    fn base(filter: &Self::Filter) -> String;
}

/// The query of list `L`.
pub type QueryOf<L> = ListQuery<<L as Listing>::Sort, <L as Listing>::Filter>;

/// What a list page was asked for. Built from untrusted query parameters:
/// anything unknown or out of range falls back to a default instead of
/// failing, because a mistyped URL should still show the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct ListQuery<S: SortKey, F: ListFilter> {
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub sort: S,
    #[serde(default = "first_page")]
    pub page: u32,
    #[serde(default = "default_page_size")]
    pub per_page: u32,
    /// Left out when empty: the query string encoding of server function
    /// arguments has no way to say "a struct with nothing in it".
    #[serde(default, skip_serializing_if = "is_default")]
    pub filter: F,
    /// The days its records were added on (lists that have the filter:
    /// [`Listing::DATED`]).
    #[serde(default, skip_serializing_if = "is_default")]
    pub added: AddedBetween,
}

/// "Added between": the first and last days (UTC, both included) a
/// list's records were added on; either may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedBetween {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Date>,
}

impl AddedBetween {
    /// From `added_from` and `added_to`; a day that does not parse is left
    /// out (a URL may hold anything).
    pub fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        let day = |name: &str| get(name).and_then(|raw| Date::parse(&raw).ok());
        Self {
            from: day("added_from"),
            to: day("added_to"),
        }
    }

    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(from) = self.from {
            params.push(("added_from", from.to_string()));
        }
        if let Some(to) = self.to {
            params.push(("added_to", to.to_string()));
        }
        params
    }

    /// "Added from Nov 1, 2026 to Nov 30, 2026", or `None` when open.
    pub fn label(&self) -> Option<String> {
        match (self.from, self.to) {
            (None, None) => None,
            (Some(from), None) => Some(format!("Added from {}", from.label())),
            (None, Some(to)) => Some(format!("Added until {}", to.label())),
            (Some(from), Some(to)) => {
                Some(format!("Added from {} to {}", from.label(), to.label()))
            }
        }
    }
}

fn is_default<F: Default + PartialEq>(value: &F) -> bool {
    *value == F::default()
}

fn first_page() -> u32 {
    1
}

fn default_page_size() -> u32 {
    DEFAULT_PAGE_SIZE
}

impl<S: SortKey, F: ListFilter> Default for ListQuery<S, F> {
    fn default() -> Self {
        Self {
            search: String::new(),
            sort: S::default(),
            page: 1,
            per_page: DEFAULT_PAGE_SIZE,
            filter: F::default(),
            added: AddedBetween::default(),
        }
    }
}

impl<S: SortKey, F: ListFilter> ListQuery<S, F> {
    /// Reads `q`, `sort`, `page`, `per` and the filter's own parameters.
    pub fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        let search = search_text(&get("q").unwrap_or_default(), SEARCH_MAX);
        let sort = get("sort")
            .and_then(|s| S::from_param(&s))
            .unwrap_or_default();
        let page = get("page")
            .and_then(|p| p.trim().parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1);
        let per_page = get("per")
            .and_then(|p| p.trim().parse::<u32>().ok())
            .filter(|p| PAGE_SIZES.contains(p))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        Self {
            search,
            sort,
            page,
            per_page,
            filter: F::from_params(get),
            added: AddedBetween::from_params(get),
        }
    }

    /// Re-checks a query that arrived through a server function, where the
    /// fields were sent directly rather than as query parameters.
    pub fn sanitized(self) -> Self {
        let params = self.params(self.page);
        let filter = self.filter;
        let mut checked = Self::from_params(&|name| {
            params
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        });
        // A filter that does not appear in URLs (a parent's id) stays as sent.
        if checked.filter == F::default() {
            checked.filter = filter;
        }
        checked
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page.max(1) - 1) * i64::from(self.per_page)
    }

    /// The parameters that state this query at `page`, defaults left out.
    pub fn params(&self, page: u32) -> Vec<(&'static str, String)> {
        let mut params = self.filter.to_params();
        params.extend(self.added.params());
        if !self.search.is_empty() {
            params.push(("q", self.search.clone()));
        }
        if self.sort != S::default() {
            params.push(("sort", self.sort.param().to_owned()));
        }
        if self.per_page != DEFAULT_PAGE_SIZE {
            params.push(("per", self.per_page.to_string()));
        }
        if page != 1 {
            params.push(("page", page.to_string()));
        }
        params
    }

    /// The URL of this list at `page`, under `base`.
    pub fn href(&self, base: &str, page: u32) -> String {
        with_query(base, &self.params(page))
    }

    /// The same query ordered by `sort`, from its first page.
    pub fn sorted_by(&self, sort: S) -> Self {
        Self {
            sort,
            page: 1,
            ..self.clone()
        }
    }
}

/// `base?k=v&…`, values percent-encoded.
/// Text to look for, from a URL or a search box: trimmed, at most `max`
/// characters, without control characters (no stored text has one, and
/// PostgreSQL refuses a NUL in any string it is sent).
pub fn search_text(raw: &str, max: usize) -> String {
    let kept: String = raw.chars().filter(|c| !c.is_control()).collect();
    let cut: String = kept.trim().chars().take(max).collect();
    // Cut short, it may end in a space: the same text read back must be
    // the same search.
    cut.trim_end().to_owned()
}

pub fn with_query(base: &str, params: &[(&str, String)]) -> String {
    if params.is_empty() {
        return base.to_owned();
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect();
    format!("{base}?{}", query.join("&"))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One page of a list, with how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<R> {
    pub rows: Vec<R>,
    pub total: i64,
    /// The count stopped one row past its limit: there are more than
    /// `total - 1`.
    #[serde(default)]
    pub capped: bool,
}

/// How many pages `total` rows fill at `per_page` (at least one).
pub fn page_count(total: i64, per_page: u32) -> u32 {
    let per = i64::from(per_page.max(1));
    ((total + per - 1) / per).clamp(1, i64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    enum Order {
        #[default]
        New,
        Name,
    }

    impl SortKey for Order {
        const ALL: &'static [Self] = &[Order::New, Order::Name];
        fn param(self) -> &'static str {
            match self {
                Order::New => "-created",
                Order::Name => "name",
            }
        }
        fn label(self) -> &'static str {
            self.param()
        }
    }

    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    struct Kind {
        kind: Option<String>,
        owner: Option<i64>,
    }

    impl ListFilter for Kind {
        fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
            Kind {
                kind: get("kind").filter(|k| !k.trim().is_empty()),
                owner: id_param(get("owner")),
            }
        }
        fn to_params(&self) -> Vec<(&'static str, String)> {
            let mut params = Vec::new();
            if let Some(kind) = &self.kind {
                params.push(("kind", kind.clone()));
            }
            if let Some(owner) = self.owner {
                params.push(("owner", owner.to_string()));
            }
            params
        }
    }

    type Q = ListQuery<Order, Kind>;

    fn from(pairs: &[(&str, &str)]) -> Q {
        Q::from_params(&|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn bad_params_fall_back_to_defaults() {
        let q = from(&[
            ("q", "  ann "),
            ("sort", "bogus"),
            ("page", "-1"),
            ("per", "7"),
            ("owner", "x"),
        ]);
        assert_eq!(q.search, "ann");
        assert_eq!(q.sort, Order::New);
        assert_eq!((q.page, q.per_page), (1, 20));
        assert_eq!(q.filter, Kind::default());
        let q = from(&[
            ("sort", "name"),
            ("page", "3"),
            ("per", "50"),
            ("owner", "7"),
        ]);
        assert_eq!((q.sort, q.page, q.per_page), (Order::Name, 3, 50));
        assert_eq!(q.offset(), 100);
        assert_eq!(q.filter.owner, Some(7));
        assert_eq!(from(&[("q", &"x".repeat(500))]).search.len(), SEARCH_MAX);
        assert_eq!(from(&[("q", " a\u{0}b\tc ")]).search, "abc");
        assert_eq!(from(&[("q", "\u{7f} a")]).search, "a");
        let cut_at_a_space = format!("{} b", "a".repeat(SEARCH_MAX - 1));
        assert_eq!(
            from(&[("q", &cut_at_a_space)]).search,
            "a".repeat(SEARCH_MAX - 1)
        );
    }

    #[test]
    fn links_keep_the_other_params() {
        let q = from(&[
            ("q", "o'neil & co"),
            ("sort", "name"),
            ("per", "50"),
            ("kind", "dog"),
        ]);
        assert_eq!(
            q.href("/pets/", 2),
            "/pets/?kind=dog&q=o%27neil%20%26%20co&sort=name&per=50&page=2"
        );
        assert_eq!(Q::default().href("/", 1), "/");
        assert_eq!(
            q.sorted_by(Order::New).href("/pets/", 1),
            "/pets/?kind=dog&q=o%27neil%20%26%20co&per=50"
        );
    }

    #[test]
    fn added_between_travels_in_the_url_and_bad_days_are_left_out() {
        let params = [("added_from", "2026-11-01"), ("added_to", "2026-02-30")];
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let q = Q::from_params(&get);
        assert_eq!(q.added.to, None, "not a day");
        assert_eq!(q.href("/", 1), "/?added_from=2026-11-01");
        assert_eq!(q.added.label().as_deref(), Some("Added from Nov 1, 2026"));
    }

    #[test]
    fn sanitized_rechecks_what_a_server_function_was_sent() {
        let q = Q {
            search: " x ".into(),
            sort: Order::Name,
            page: 0,
            per_page: 1000,
            filter: Kind {
                kind: Some("cat".into()),
                owner: Some(3),
            },
            added: AddedBetween {
                from: Date::parse("2026-11-01").ok(),
                to: None,
            },
        }
        .sanitized();
        assert_eq!((q.search.as_str(), q.page, q.per_page), ("x", 1, 20));
        assert_eq!(
            q.added.from.map(|d| d.to_string()).as_deref(),
            Some("2026-11-01")
        );
        assert_eq!(q.filter.owner, Some(3));
    }

    #[test]
    fn page_count_rounds_up() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
    }
}
