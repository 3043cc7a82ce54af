//! Courses and enrolments: the many-to-many link between students and
//! courses, with data on the link (when, and the final grade).

use serde::{Deserialize, Serialize};

use super::list::{ListFilter, Listing};
use super::text::{Line, Text};
use super::{urls, Date, FieldErrors, FormInput, Kind, Record, Timestamp};

pub const CODE_MIN: usize = 2;
pub const CODE_MAX: usize = 20;
pub const COURSE_TITLE_MAX: usize = 150;
pub const DESCRIPTION_MAX: usize = 5_000;
pub const CAPACITY_MAX: i64 = 10_000;
pub const GRADE_MAX: i64 = 100;

pub type CourseTitle = Line<COURSE_TITLE_MAX>;
pub type Description = Text<DESCRIPTION_MAX>;

/// A course code: 2 to 20 letters, digits or `-`, kept upper-case, so that
/// "bio-101" and "BIO-101" are the same course.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CourseCode(String);

impl AsRef<str> for CourseCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl CourseCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim();
        if code.is_empty() {
            return Err("This field is required.".into());
        }
        let len = code.chars().count();
        if !(CODE_MIN..=CODE_MAX).contains(&len) {
            return Err(format!(
                "Use {CODE_MIN} to {CODE_MAX} characters (this has {len})."
            ));
        }
        if !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err("Use only letters, digits and -, like BIO-101.".into());
        }
        Ok(Self(code.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A whole number from `min` to `max`; empty means "not given".
pub fn whole_number(raw: &str, min: i64, max: i64) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("Enter a whole number, like {max}."));
    }
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(format!("Enter a number from {min} to {max}.")),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CourseInput {
    pub code: String,
    pub title: String,
    pub description: String,
    pub capacity: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCourse {
    pub code: CourseCode,
    pub title: CourseTitle,
    pub description: Option<Description>,
    pub capacity: Option<i64>,
}

impl FormInput for CourseInput {
    type Valid = NewCourse;

    fn version(&self) -> Option<&str> {
        Some(&self.version)
    }

    fn parse(&self) -> Result<NewCourse, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = errors.take("code", CourseCode::parse(&self.code));
        let title = errors.take("title", CourseTitle::parse(&self.title));
        let description = errors.take(
            "description",
            Description::parse_optional(&self.description),
        );
        let capacity = errors.take(
            "capacity",
            whole_number(&self.capacity, 1, CAPACITY_MAX).map_err(|_| {
                format!(
                    "Enter a capacity from 1 to {CAPACITY_MAX}, or leave it empty for no limit."
                )
            }),
        );
        match (code, title, description, capacity) {
            (Some(code), Some(title), Some(description), Some(capacity)) => Ok(NewCourse {
                code,
                title,
                description,
                capacity,
            }),
            _ => Err(errors),
        }
    }
}

/// A stored course, with how many students are enrolled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Course {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub capacity: Option<i64>,
    pub enrolled: i64,
    pub created_at: Timestamp,
    pub version: i64,
}

impl Course {
    /// "12 / 30", or "12" without a limit.
    pub fn places(&self) -> String {
        match self.capacity {
            Some(capacity) => format!("{} / {capacity}", self.enrolled),
            None => self.enrolled.to_string(),
        }
    }

    /// "BIO-101 Marine biology".
    pub fn label(&self) -> String {
        format!("{} {}", self.code, self.title)
    }
}

impl Record for Course {
    const KIND: Kind = Kind::Course;
    type Input = CourseInput;

    fn id(&self) -> i64 {
        self.id
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn title(&self) -> String {
        self.label()
    }

    fn to_input(&self) -> CourseInput {
        CourseInput {
            code: self.code.clone(),
            title: self.title.clone(),
            description: self.description.clone().unwrap_or_default(),
            capacity: self.capacity.map(|c| c.to_string()).unwrap_or_default(),
            version: self.version.to_string(),
        }
    }
}

crate::sort_keys! {
    pub enum CourseSort {
        CodeAsc => ("code", "Code A–Z"),
        CodeDesc => ("-code", "Code Z–A"),
        TitleAsc => ("title", "Title A–Z"),
        TitleDesc => ("-title", "Title Z–A"),
        MostEnrolled => ("-enrolled", "Most enrolled first"),
        FewestEnrolled => ("enrolled", "Fewest enrolled first"),
    }
}

/// `/courses/`.
pub struct CourseList;

/// Courses by whether a place is left.
const SEATS: super::list::Facet = super::list::Facet {
    param: "seats",
    label: "Places",
    choices: &[("open", "Has places"), ("full", "Full")],
};

/// The courses chosen by whether a place is left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseFilter {
    /// `open` or `full`.
    pub seats: Option<String>,
    /// The courses account `teacher` teaches ("My courses").
    #[serde(default)]
    pub teacher: Option<i64>,
}

impl ListFilter for CourseFilter {
    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        CourseFilter {
            seats: SEATS.chosen(get).map(str::to_owned),
            teacher: get("teacher")
                .and_then(|t| t.trim().parse::<i64>().ok())
                .filter(|t| *t > 0),
        }
    }

    fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params: Vec<(&'static str, String)> = self
            .seats
            .iter()
            .map(|seats| ("seats", seats.clone()))
            .collect();
        if let Some(teacher) = self.teacher {
            params.push(("teacher", teacher.to_string()));
        }
        params
    }
}

impl Listing for CourseList {
    type Sort = CourseSort;
    type Filter = CourseFilter;
    const KIND: Kind = Kind::Course;
    const DATED: bool = true;
    const FACETS: &'static [super::list::Facet] = &[SEATS];

    fn base(_: &CourseFilter) -> String {
        urls::courses()
    }
}

/// One student in one course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Enrolment {
    pub id: i64,
    pub course_id: i64,
    pub course_code: String,
    pub course_title: String,
    pub student_id: i64,
    pub student_name: String,
    pub student_email: String,
    pub enrolled_on: Date,
    pub grade: Option<i64>,
    pub version: i64,
}

/// Why an enrolment is refused, as the enrol form and a class list's
/// import both say it.
pub const ALREADY_ENROLLED: &str = "Already enrolled: a student takes a course once.";
pub const COURSE_FULL: &str =
    "This course is full: every place is taken. Raise its capacity, or unenrol someone first.";

/// The enrol form: a student (on a course's page) or a course (on a
/// student's page), chosen in a picker, and the day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnrolInput {
    pub student_id: String,
    pub student_q: String,
    pub course_id: String,
    pub course_q: String,
    pub enrolled_on: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewEnrolment {
    pub student_id: i64,
    pub course_id: i64,
    /// `None`: today.
    pub enrolled_on: Option<Date>,
}

fn chosen(raw: &str, what: &str) -> Result<i64, String> {
    super::list::id_param(Some(raw.to_owned())).ok_or_else(|| format!("Choose a {what}."))
}

impl FormInput for EnrolInput {
    type Valid = NewEnrolment;

    fn parse(&self) -> Result<NewEnrolment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let student_id = errors.take("student_id", chosen(&self.student_id, "student"));
        let course_id = errors.take("course_id", chosen(&self.course_id, "course"));
        let enrolled_on = errors.take("enrolled_on", Date::parse_optional(&self.enrolled_on));
        match (student_id, course_id, enrolled_on) {
            (Some(student_id), Some(course_id), Some(enrolled_on)) => Ok(NewEnrolment {
                student_id,
                course_id,
                enrolled_on,
            }),
            _ => Err(errors),
        }
    }
}

/// A final grade, 0 to 100, or none yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GradeInput {
    pub grade: String,
    pub version: String,
}

impl FormInput for GradeInput {
    type Valid = Option<i64>;

    fn parse(&self) -> Result<Option<i64>, FieldErrors> {
        whole_number(&self.grade, 0, GRADE_MAX).map_err(|_| {
            FieldErrors::single("grade", "Enter a grade from 0 to 100, or leave it empty.")
        })
    }
}

/// A course's grade sheet as submitted: for each enrolment `{id}` on it,
/// `grade-{id}` (as typed), `version-{id}` and `was-{id}` (the grade the
/// sheet showed). Field names carry the ids, so that a form reader that
/// keeps one value per name reads every row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeSheetInput {
    #[serde(flatten)]
    pub cells: std::collections::BTreeMap<String, String>,
}

/// A row of a course's grade sheet: the enrolment, its student, its grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct SheetRow {
    pub id: i64,
    pub student_name: String,
    pub student_email: String,
    pub grade: Option<i64>,
    pub version: i64,
}

/// A grade typed on the sheet that differs from the one it showed: to be
/// set on enrolment `id` if it is still at `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeChange {
    pub id: i64,
    pub version: i64,
    pub grade: Option<i64>,
}

/// A grade sheet holds at most this many rows (a course's most places).
pub const SHEET_MAX: usize = CAPACITY_MAX as usize;

impl GradeSheetInput {
    /// Row `id`'s field `what` (`grade`, `version`, `was`).
    pub fn cell(&self, what: &str, id: i64) -> Option<&str> {
        self.cells.get(&format!("{what}-{id}")).map(String::as_str)
    }

    /// The enrolments the sheet has a grade for, in id order.
    pub fn ids(&self) -> Vec<i64> {
        self.cells
            .keys()
            .filter_map(|k| k.strip_prefix("grade-")?.parse::<i64>().ok())
            .collect()
    }
}

impl FormInput for GradeSheetInput {
    type Valid = Vec<GradeChange>;

    /// The rows whose grade was changed on the sheet; each grade read as
    /// the one-row grade form reads it, its message at its own field.
    fn parse(&self) -> Result<Vec<GradeChange>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut changes = Vec::new();
        let ids = self.ids();
        if ids.len() > SHEET_MAX {
            return Err(FieldErrors::single(
                "sheet",
                "A grade sheet has at most 10000 rows.",
            ));
        }
        for id in ids {
            let field = format!("grade-{id}");
            let typed = self.cell("grade", id).unwrap_or_default();
            let grade = GradeInput {
                grade: typed.to_owned(),
                version: String::new(),
            }
            .parse();
            let Some(grade) = errors.take(&field, grade.map_err(|e| e.0[0].message.clone())) else {
                continue;
            };
            let was = whole_number(self.cell("was", id).unwrap_or_default(), 0, GRADE_MAX);
            let version = self
                .cell("version", id)
                .and_then(|v| super::parse_version(v).ok());
            match (was, version) {
                (Ok(was), Some(version)) => {
                    if was != grade {
                        changes.push(GradeChange { id, version, grade });
                    }
                }
                _ => errors.add(
                    &field,
                    "This row is not as the sheet showed it: open the sheet again.",
                ),
            }
        }
        if errors.is_empty() {
            Ok(changes)
        } else {
            Err(errors)
        }
    }
}

crate::sort_keys! {
    pub enum EnrolmentSort {
        NameAsc => ("name", "Name A–Z"),
        NameDesc => ("-name", "Name Z–A"),
        GradeDesc => ("-grade", "Best grade first"),
        GradeAsc => ("grade", "Lowest grade first"),
        Newest => ("-enrolled", "Latest enrolled first"),
        Oldest => ("enrolled", "First enrolled first"),
    }
}

/// The students of one course (on its page) or the courses of one student
/// (on theirs): the parent comes from the page's path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentsOf {
    pub course: Option<i64>,
    pub student: Option<i64>,
}

impl ListFilter for EnrolmentsOf {
    fn from_params(_: &dyn Fn(&str) -> Option<String>) -> Self {
        EnrolmentsOf::default()
    }
    fn to_params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A course's students, on the course's page.
pub struct CourseStudents;

impl Listing for CourseStudents {
    type Sort = EnrolmentSort;
    type Filter = EnrolmentsOf;
    const KIND: Kind = Kind::Enrolment;
    const DATED: bool = true;

    fn base(filter: &EnrolmentsOf) -> String {
        urls::course(filter.course.unwrap_or(0))
    }
}

/// A student's courses, on the student's page.
pub struct StudentCourses;

impl Listing for StudentCourses {
    type Sort = EnrolmentSort;
    type Filter = EnrolmentsOf;
    const KIND: Kind = Kind::Enrolment;
    const DATED: bool = true;

    fn base(filter: &EnrolmentsOf) -> String {
        urls::student(filter.student.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(code: &str, capacity: &str) -> CourseInput {
        CourseInput {
            code: code.into(),
            title: "Marine biology".into(),
            description: String::new(),
            capacity: capacity.into(),
            version: String::new(),
        }
    }

    #[test]
    fn codes_are_upper_case_and_bounded() {
        assert_eq!(
            input(" bio-101 ", "").parse().unwrap().code.as_str(),
            "BIO-101"
        );
        for bad in ["b", "bio 101", "bio_101", &"x".repeat(21), "bïo"] {
            assert!(
                input(bad, "").parse().unwrap_err().get("code").is_some(),
                "{bad}"
            );
        }
        assert!(input(&"x".repeat(20), "").parse().is_ok());
    }

    #[test]
    fn capacity_is_optional_and_bounded() {
        assert_eq!(input("ab", "").parse().unwrap().capacity, None);
        assert_eq!(input("ab", " 30 ").parse().unwrap().capacity, Some(30));
        for bad in ["0", "10001", "-5", "ten", "1.5"] {
            assert!(
                input("ab", bad)
                    .parse()
                    .unwrap_err()
                    .get("capacity")
                    .is_some(),
                "{bad}"
            );
        }
        assert!(input("ab", "10000").parse().is_ok());
    }

    #[test]
    fn a_grade_sheet_reads_the_rows_it_changed_and_says_which_are_wrong() {
        let sheet = |cells: &[(&str, &str)]| GradeSheetInput {
            cells: cells
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let input = sheet(&[
            ("grade-1", "88"),
            ("was-1", "88"),
            ("version-1", "3"),
            ("grade-2", " 75 "),
            ("was-2", ""),
            ("version-2", "1"),
            ("grade-3", ""),
            ("was-3", "40"),
            ("version-3", "2"),
        ]);
        assert_eq!(
            input.parse().unwrap(),
            vec![
                GradeChange {
                    id: 2,
                    version: 1,
                    grade: Some(75)
                },
                GradeChange {
                    id: 3,
                    version: 2,
                    grade: None
                },
            ],
            "unchanged rows are left alone; blank is no grade"
        );
        let errors = sheet(&[
            ("grade-4", "101"),
            ("was-4", ""),
            ("version-4", "1"),
            ("grade-5", "50"),
            ("was-5", ""),
        ])
        .parse()
        .unwrap_err();
        assert_eq!(
            errors.get("grade-4"),
            Some("Enter a grade from 0 to 100, or leave it empty.")
        );
        assert!(errors.get("grade-5").is_some(), "a row without its version");
        // The form's pairs and back.
        assert_eq!(
            crate::domain::from_fields::<GradeSheetInput>(crate::domain::to_fields(&input)),
            input
        );
    }

    #[test]
    fn grades_and_enrolments() {
        let grade = |g: &str| {
            GradeInput {
                grade: g.into(),
                version: "1".into(),
            }
            .parse()
        };
        assert_eq!(grade(""), Ok(None));
        assert_eq!(grade("0"), Ok(Some(0)));
        assert_eq!(grade("100"), Ok(Some(100)));
        assert!(grade("101").is_err() && grade("-1").is_err() && grade("A").is_err());
        let enrol = EnrolInput {
            student_id: "3".into(),
            course_id: "x".into(),
            enrolled_on: "2026-02-30".into(),
            ..Default::default()
        };
        let errors = enrol.parse().unwrap_err();
        assert!(errors.get("course_id").is_some() && errors.get("enrolled_on").is_some());
    }
}
