//! Filters that show counts: for each facet a list declares, how many of
//! the records its search (and its other filters) match fall under each
//! choice, counted in one grouped query per facet while the page is read.

use super::{Db, DbError, Listed};
use crate::domain::{FacetChoice, FacetCounts, ListFilter, QueryOf};

/// Values of a facet with values of its own, at most.
const OPEN_LIMIT: i64 = 12;

impl Db {
    /// The counts of list `L`'s facets for `query`. Each choice counts the
    /// records that the query would show were it chosen alone: the facets'
    /// own choices are left out of the count.
    pub async fn facets<L: Listed>(&self, query: &QueryOf<L>) -> Result<Vec<FacetCounts>, DbError> {
        let mut found = Vec::new();
        if L::FACETS.is_empty() {
            return Ok(found);
        }
        let params = query.filter.to_params();
        let own: Vec<&str> = L::FACETS.iter().map(|f| f.param).collect();
        let mut rest = query.clone();
        rest.filter = L::Filter::from_params(&|name| {
            (!own.contains(&name))
                .then(|| {
                    params
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| v.clone())
                })
                .flatten()
        });
        let plain = rest.search.is_empty()
            && rest.filter == L::Filter::default()
            && rest.added == Default::default();
        let sql = self.list_sql::<L>(&rest);
        for facet in L::FACETS {
            let Some(how) = L::FACET_SQL.iter().find(|f| f.param == facet.param) else {
                continue;
            };
            let open = facet.choices.is_empty();
            let rows: Vec<(String, i64)> = match (plain && open, L::FACET_COUNTER) {
                (true, Some(counter)) => self.all_as(counter.to_owned(), Vec::new()).await?,
                _ => {
                    let limit = if open {
                        OPEN_LIMIT
                    } else {
                        facet.choices.len() as i64 + 1
                    };
                    let (sql, args) = sql.grouped(how.key, how.shown, limit);
                    self.all_as(sql, args).await?
                }
            };
            let choices = match open {
                true => rows
                    .into_iter()
                    .map(|(value, count)| FacetChoice {
                        label: value.clone(),
                        value,
                        count,
                    })
                    .collect(),
                false => facet
                    .choices
                    .iter()
                    .map(|(value, label)| FacetChoice {
                        value: (*value).to_owned(),
                        label: (*label).to_owned(),
                        count: rows.iter().find(|(v, _)| v == value).map_or(0, |(_, n)| *n),
                    })
                    .collect(),
            };
            found.push(FacetCounts {
                param: facet.param.to_owned(),
                label: facet.label.to_owned(),
                choices,
            });
        }
        Ok(found)
    }
}
