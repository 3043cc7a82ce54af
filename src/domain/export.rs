//! Lists as files: the formats a list downloads as, the values of a row,
//! and cells no spreadsheet may run as a formula.

use std::borrow::Cow;

/// A file a list downloads as (`format=` on the list's own URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    pub const ALL: [FileFormat; 2] = [FileFormat::Csv, FileFormat::Xlsx];

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(FileFormat::Csv),
            "xlsx" => Some(FileFormat::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// What a link to it says.
    pub fn label(self) -> &'static str {
        match self {
            FileFormat::Csv => "CSV",
            FileFormat::Xlsx => "Excel",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// One cell of an exported row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// What makes a spreadsheet read a cell as a formula (OWASP's CSV
/// injection advice): such a cell is written with a `'` in front.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a cell no spreadsheet runs: a leading `'` before a character
/// that starts a formula, and before a `'` already there (so that
/// [`unneutralise`] gives back exactly what was written).
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_START) || text.starts_with('\'') {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A cell as it was before [`neutralise`]: the `'` it added taken off. A
/// `'` that does not stand before a formula character or another `'` was
/// typed by someone, and stays.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) || rest.starts_with('\'') => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_a_formula_get_a_quote_and_lose_it_again() {
        for (text, cell) in [
            ("=1+1", "'=1+1"),
            ("+33 1 23", "'+33 1 23"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'quoted", "''quoted"),
            ("Ada", "Ada"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(text), cell, "{text:?}");
            assert_eq!(unneutralise(cell), text, "{cell:?}");
        }
        // Typed by hand, not by an export: kept as it is.
        assert_eq!(unneutralise("'tis"), "'tis");
    }

    proptest::proptest! {
        #[test]
        fn any_text_comes_back_unchanged_and_never_starts_a_formula(text in "\\PC{0,12}|[=+@'\t\r-].{0,8}") {
            let cell = neutralise(&text);
            proptest::prop_assert!(!cell.starts_with(FORMULA_START));
            proptest::prop_assert_eq!(unneutralise(&cell), text.as_str());
        }
    }

    #[test]
    fn formats_parse_from_the_query_parameter() {
        assert_eq!(FileFormat::parse("CSV"), Some(FileFormat::Csv));
        assert_eq!(FileFormat::parse("xlsx"), Some(FileFormat::Xlsx));
        assert_eq!(FileFormat::parse("pdf"), None);
    }
}
