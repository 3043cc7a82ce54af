//! Transcripts: a student's courses with their grades and the average, as
//! the office prints them, one student to a page.

use serde::{Deserialize, Serialize};

use super::{Date, Enrolment};

/// One course on a transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptLine {
    pub course: i64,
    pub code: String,
    pub title: String,
    pub enrolled_on: Date,
    pub grade: Option<i64>,
}

/// A student's transcript: every course taken, in the order taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    pub student: i64,
    pub name: String,
    pub email: String,
    pub lines: Vec<TranscriptLine>,
}

impl Transcript {
    /// How many of the courses have a grade.
    pub fn graded(&self) -> usize {
        self.lines.iter().filter(|l| l.grade.is_some()).count()
    }

    /// The mean of the grades given (courses without one are left out).
    pub fn average(&self) -> Option<f64> {
        let graded = self.graded();
        (graded > 0)
            .then(|| self.lines.iter().filter_map(|l| l.grade).sum::<i64>() as f64 / graded as f64)
    }

    /// Enrolments read in student order, as one transcript per student
    /// (each student's enrolments in the order they come).
    pub fn of_enrolments(rows: Vec<Enrolment>) -> Vec<Transcript> {
        let mut out: Vec<Transcript> = Vec::new();
        for e in rows {
            let line = TranscriptLine {
                course: e.course_id,
                code: e.course_code,
                title: e.course_title,
                enrolled_on: e.enrolled_on,
                grade: e.grade,
            };
            match out.last_mut() {
                Some(t) if t.student == e.student_id => t.lines.push(line),
                _ => out.push(Transcript {
                    student: e.student_id,
                    name: e.student_name,
                    email: e.student_email,
                    lines: vec![line],
                }),
            }
        }
        out
    }
}

/// Transcripts as printed: the school's name, the day they were issued,
/// the course they were asked for (`None`: one student's), and one per
/// student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcripts {
    pub school: Option<String>,
    pub issued: Date,
    pub course: Option<(i64, String)>,
    pub students: Vec<Transcript>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(student: i64, course: i64, grade: Option<i64>) -> Enrolment {
        Enrolment {
            id: student * 100 + course,
            course_id: course,
            course_code: format!("C{course}"),
            course_title: format!("Course {course}"),
            student_id: student,
            student_name: format!("Student {student}"),
            student_email: format!("s{student}@example.org"),
            enrolled_on: Date::parse("2026-09-01").unwrap(),
            grade,
            version: 1,
        }
    }

    #[test]
    fn rows_split_by_student_and_the_average_leaves_out_the_ungraded() {
        let all = Transcript::of_enrolments(vec![
            row(7, 1, Some(70)),
            row(7, 2, None),
            row(7, 3, Some(85)),
            row(3, 1, None),
        ]);
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].student, all[0].lines.len()), (7, 3));
        assert_eq!(all[0].graded(), 2);
        assert_eq!(all[0].average(), Some(77.5));
        assert_eq!((all[1].student, all[1].average()), (3, None));
        assert!(Transcript::of_enrolments(Vec::new()).is_empty());
    }
}
