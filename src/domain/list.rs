use serde::{Deserialize, Serialize};

use super::Student;

/// Page sizes a user may choose.
pub const PAGE_SIZES: [u32; 4] = [10, 20, 50, 100];
const DEFAULT_PAGE_SIZE: u32 = 20;
/// Search text longer than this is cut: nobody types it, and it bounds the work.
const SEARCH_MAX: usize = 100;

/// How the student list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    #[default]
    NewestFirst,
    OldestFirst,
    NameAsc,
    NameDesc,
    AgeAsc,
    AgeDesc,
}

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::NewestFirst,
        SortKey::OldestFirst,
        SortKey::NameAsc,
        SortKey::NameDesc,
        SortKey::AgeAsc,
        SortKey::AgeDesc,
    ];

    /// The value in the `sort` query parameter.
    pub fn param(self) -> &'static str {
        match self {
            SortKey::NewestFirst => "-joined",
            SortKey::OldestFirst => "joined",
            SortKey::NameAsc => "name",
            SortKey::NameDesc => "-name",
            SortKey::AgeAsc => "age",
            SortKey::AgeDesc => "-age",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::NewestFirst => "Newest first",
            SortKey::OldestFirst => "Oldest first",
            SortKey::NameAsc => "Name A–Z",
            SortKey::NameDesc => "Name Z–A",
            SortKey::AgeAsc => "Youngest first",
            SortKey::AgeDesc => "Oldest in age first",
        }
    }

    pub fn from_param(param: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.param() == param)
    }
}

/// What the list page was asked for. Built from untrusted query parameters:
/// anything unknown or out of range falls back to a default instead of failing,
/// because a mistyped URL should still show students.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub search: String,
    pub sort: SortKey,
    pub page: u32,
    pub per_page: u32,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            search: String::new(),
            sort: SortKey::default(),
            page: 1,
            per_page: DEFAULT_PAGE_SIZE,
        }
    }
}

impl ListQuery {
    pub fn from_params(
        q: Option<&str>,
        sort: Option<&str>,
        page: Option<&str>,
        per: Option<&str>,
    ) -> Self {
        let search: String = q.unwrap_or("").trim().chars().take(SEARCH_MAX).collect();
        let sort = sort.and_then(SortKey::from_param).unwrap_or_default();
        let page = page
            .and_then(|p| p.trim().parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1);
        let per_page = per
            .and_then(|p| p.trim().parse::<u32>().ok())
            .filter(|p| PAGE_SIZES.contains(p))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        Self {
            search,
            sort,
            page,
            per_page,
        }
    }

    /// Re-checks a query that arrived through a server function, where the
    /// fields were sent directly rather than as query parameters.
    pub fn sanitized(self) -> Self {
        let page = self.page.to_string();
        let per = self.per_page.to_string();
        Self::from_params(
            Some(&self.search),
            Some(self.sort.param()),
            Some(&page),
            Some(&per),
        )
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// The URL of this list, with `page` replaced.
    pub fn href_for_page(&self, page: u32) -> String {
        let mut params: Vec<(&str, String)> = Vec::new();
        if !self.search.is_empty() {
            params.push(("q", self.search.clone()));
        }
        if self.sort != SortKey::default() {
            params.push(("sort", self.sort.param().to_owned()));
        }
        if self.per_page != DEFAULT_PAGE_SIZE {
            params.push(("per", self.per_page.to_string()));
        }
        if page != 1 {
            params.push(("page", page.to_string()));
        }
        if params.is_empty() {
            return "/".into();
        }
        let query: Vec<String> = params
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect();
        format!("/?{}", query.join("&"))
    }
}

fn encode_component(value: &str) -> String {
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

/// One page of the student list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentPage {
    pub students: Vec<Student>,
    pub total: i64,
    pub query: ListQuery,
}

impl StudentPage {
    pub fn page_count(&self) -> u32 {
        let per = i64::from(self.query.per_page.max(1));
        ((self.total + per - 1) / per).max(1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_params_fall_back_to_defaults() {
        let q = ListQuery::from_params(Some("  ann "), Some("bogus"), Some("-1"), Some("7"));
        assert_eq!(q.search, "ann");
        assert_eq!(q.sort, SortKey::NewestFirst);
        assert_eq!(q.page, 1);
        assert_eq!(q.per_page, 20);
        let q = ListQuery::from_params(None, Some("-age"), Some("3"), Some("50"));
        assert_eq!((q.sort, q.page, q.per_page), (SortKey::AgeDesc, 3, 50));
        assert_eq!(q.offset(), 100);
    }

    #[test]
    fn links_keep_the_other_params() {
        let q = ListQuery::from_params(Some("o'neil & co"), Some("name"), None, Some("50"));
        assert_eq!(
            q.href_for_page(2),
            "/?q=o%27neil%20%26%20co&sort=name&per=50&page=2"
        );
        assert_eq!(ListQuery::default().href_for_page(1), "/");
    }

    #[test]
    fn page_count_rounds_up() {
        let page = |total| StudentPage {
            students: vec![],
            total,
            query: ListQuery::default(),
        };
        assert_eq!(page(0).page_count(), 1);
        assert_eq!(page(20).page_count(), 1);
        assert_eq!(page(21).page_count(), 2);
    }
}
