//! Records brought in from a file: what can be imported, how a file's
//! headers are matched, and what a dry run found for each row.

use serde::{Deserialize, Serialize};

use super::Kind;

/// What a file can bring in, each with its page (`/import/students/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    Students,
    Courses,
    /// A class list: course code, student email, optional grade.
    Enrolments,
    Handlers,
    Pets,
}

impl ImportKind {
    pub const ALL: [ImportKind; 5] = [
        ImportKind::Students,
        ImportKind::Courses,
        ImportKind::Enrolments,
        ImportKind::Handlers,
        ImportKind::Pets,
    ];

    /// Its word in URLs and on the command line.
    pub fn slug(self) -> &'static str {
        match self {
            ImportKind::Students => "students",
            ImportKind::Courses => "courses",
            ImportKind::Enrolments => "enrolments",
            ImportKind::Handlers => "handlers",
            ImportKind::Pets => "pets",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// Its page: what the file holds, its template, the upload form.
    pub fn page(self) -> super::urls::Pattern {
        use super::urls;
        match self {
            ImportKind::Students => urls::IMPORT_STUDENTS,
            ImportKind::Courses => urls::IMPORT_COURSES,
            ImportKind::Enrolments => urls::IMPORT_ENROLMENTS,
            ImportKind::Handlers => urls::IMPORT_HANDLERS,
            ImportKind::Pets => urls::IMPORT_PETS,
        }
    }

    /// The record type each row becomes.
    pub fn kind(self) -> Kind {
        match self {
            ImportKind::Students => Kind::Student,
            ImportKind::Courses => Kind::Course,
            ImportKind::Enrolments => Kind::Enrolment,
            ImportKind::Handlers => Kind::Handler,
            ImportKind::Pets => Kind::Pet,
        }
    }
}

/// The largest file an import reads, and its most rows: said on the page.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_ROWS: usize = 200_000;
/// More columns than any record has, by far: past this a file is not one
/// of ours.
pub const MAX_COLUMNS: usize = 200;
/// A cell longer than any field takes.
pub const MAX_CELL_CHARS: usize = 20_000;

/// A header as it is compared: without case, accents, spaces, `_` or `-`
/// (`"E-mail "`, `"EMAIL"` and `"e_mail"` are one header; `"Prénom"` is
/// `"prenom"`).
pub fn header_key(raw: &str) -> String {
    raw.chars()
        .filter_map(|c| {
            let c = fold_accent(c);
            (!c.is_whitespace() && c != '_' && c != '-' && c != '\u{feff}')
                .then(|| c.to_lowercase())
        })
        .flatten()
        .collect()
}

/// The letter under a Latin accent (the ones names and headers use).
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => 'A',
        'ç' | 'ć' | 'č' => 'c',
        'Ç' | 'Ć' | 'Č' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => 'I',
        'ñ' | 'ń' | 'ň' => 'n',
        'Ñ' | 'Ń' | 'Ň' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => 'O',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' | 'Ÿ' => 'Y',
        'š' | 'ś' => 's',
        'Š' | 'Ś' => 'S',
        'ž' | 'ź' | 'ż' => 'z',
        'Ž' | 'Ź' | 'Ż' => 'Z',
        other => other,
    }
}

/// What a dry run found for one row of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    /// A record to add.
    New,
    /// Record `id` (at `version`), with these fields changed: name, as it
    /// is, as the file has it.
    Update {
        id: i64,
        version: i64,
        changes: Vec<(String, String, String)>,
    },
    /// Record `id` already holds what the row says.
    Unchanged { id: i64 },
    /// What is wrong, by column (the form's own words).
    Error { cells: Vec<(String, String)> },
}

/// A row of the file and what the dry run found (`line`: its line in the
/// file, the header being line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: usize,
    pub values: Vec<String>,
    pub outcome: RowOutcome,
}

/// How many rows of each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: usize,
}

impl ImportCounts {
    pub fn of(rows: &[PreviewRow]) -> Self {
        let mut counts = Self::default();
        for row in rows {
            match row.outcome {
                RowOutcome::New => counts.new += 1,
                RowOutcome::Update { .. } => counts.updated += 1,
                RowOutcome::Unchanged { .. } => counts.unchanged += 1,
                RowOutcome::Error { .. } => counts.errors += 1,
            }
        }
        counts
    }
}

/// A dry run of a file: its columns as read, the columns that were not
/// known (left out), and every row's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub columns: Vec<String>,
    pub ignored: Vec<String>,
    pub rows: Vec<PreviewRow>,
}

/// The upload and apply forms' refusals (the no-JavaScript path shows
/// them at the top of the page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportForm {
    /// Apply nothing unless every row is valid.
    pub all: bool,
}

/// An import's page: the file, what its preview found (or, once applied,
/// what it did) and the rows worth showing (errors first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    pub applied: bool,
    /// Applied, then undone as a whole.
    pub undone: bool,
    pub counts: ImportCounts,
    pub columns: Vec<String>,
    pub ignored: Vec<String>,
    /// The file's header as it is read now (after any mapping), and the
    /// columns a file of this kind may have: the mapping form's choices.
    pub headers: Vec<String>,
    pub known: Vec<String>,
    /// Rows with errors, then rows that add or change a record, at most
    /// [`ImportView::SHOWN`] of each.
    pub rows: Vec<PreviewRow>,
}

impl ImportView {
    pub const SHOWN: usize = 200;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_without_case_accents_or_spacing() {
        assert_eq!(header_key(" E-mail "), "email");
        assert_eq!(header_key("EMAIL"), "email");
        assert_eq!(header_key("first_name"), "firstname");
        assert_eq!(header_key("Prénom"), "prenom");
        assert_eq!(header_key("\u{feff}id"), "id");
        assert_eq!(header_key("Handler ID"), "handlerid");
    }

    #[test]
    fn kinds_read_their_slugs() {
        for kind in ImportKind::ALL {
            assert_eq!(ImportKind::parse(kind.slug()), Some(kind));
        }
        assert_eq!(ImportKind::parse("grades"), None);
    }
}
