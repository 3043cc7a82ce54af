//! The URL map ([`roster_core::domain::urls`]) as leptos route paths, so the
//! page routes come from the same patterns as the form routes and links.

use std::borrow::Cow;

use leptos_router::{
    ParamSegment, PartialPathMatch, PathSegment, PossibleRouteMatch, StaticSegment,
};
pub use roster_core::domain::urls::*;

/// A pattern as a leptos route path: its segments, then the trailing `/`
/// (what `path!("/pets/:id/")` would give).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutePath(pub Pattern);

impl PossibleRouteMatch for RoutePath {
    fn optional(&self) -> bool {
        false
    }

    fn test<'a>(&self, path: &'a str) -> Option<PartialPathMatch<'a>> {
        let mut rest = path;
        let mut params: Vec<(Cow<'static, str>, String)> = Vec::new();
        let mut matched = 0;
        let last = [Seg::Lit("/")];
        for seg in self.0 .0.iter().chain(&last) {
            let found = match seg {
                Seg::Lit(word) => StaticSegment(*word).test(rest),
                Seg::Id(name) => ParamSegment(name).test(rest),
            }?;
            matched += found.matched().len();
            rest = found.remaining();
            params.extend(found.params());
        }
        Some(PartialPathMatch::new(rest, params, &path[..matched]))
    }

    fn generate_path(&self, path: &mut Vec<PathSegment>) {
        for seg in self.0 .0 {
            match seg {
                Seg::Lit(word) => StaticSegment(*word).generate_path(path),
                Seg::Id(name) => ParamSegment(name).generate_path(path),
            }
        }
        StaticSegment("/").generate_path(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_the_path_macro() {
        let edit = RoutePath(PET_EDIT);
        let found = edit.test("/pets/12/edit/").unwrap();
        assert!(found.is_complete());
        assert_eq!(found.params(), vec![(Cow::Borrowed("id"), "12".to_owned())]);
        assert!(edit.test("/pets/12/").is_none_or(|m| !m.is_complete()));
        assert!(RoutePath(STUDENTS).test("/").unwrap().is_complete());
        assert!(RoutePath(HANDLERS)
            .test("/handlers/")
            .unwrap()
            .is_complete());
        let macro_path = leptos_router::path!("/pets/:id/edit/");
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        edit.generate_path(&mut ours);
        macro_path.generate_path(&mut theirs);
        assert_eq!(ours, theirs);
    }
}
