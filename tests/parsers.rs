//! Property tests for every domain parser: none panics on any input, each
//! accepts exactly what its rule says (the rule written here a second
//! time, independently: as a regular expression, with chrono, or by
//! counting), and whatever a value renders parses back to the same value.

use proptest::prelude::*;
use regex::Regex;
use roster_core::domain::{
    whole_number, Age, CommentInput, ContactInput, CourseCode, CourseInput, Date, Email, FormInput,
    GradeInput, Handler, HandlerInput, Line, ListFilter, ListQuery, NoFilter, Password, Pet,
    PetFilter, PetInput, PetSort, Phone, Record, SortKey, Student, StudentInput, StudentSort, Text,
    Timestamp, Username,
};
use std::sync::LazyLock;

/// Any text at all, and text made of the characters the rules care about
/// (white space, control characters, `@`, `-`, `\r\n`, letters beyond
/// ASCII), which random Unicode would rarely hit.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ a-zA-Z0-9@.+_\\-\t\r\n\u{0}\u{7f}\u{85}é€😀]{0,40}",
        "[ ]{0,3}[a-z0-9\\-]{0,25}[ ]{0,3}",
    ]
}

/// The WHATWG HTML rule for a valid email address, as the standard writes it.
static WHATWG_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
    )
    .unwrap()
});

fn email_like() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        "[a-z0-9.+!~\\-]{1,12}@[a-z0-9\\-]{1,10}(\\.[a-z0-9\\-]{0,8}){0,3}",
        " ?[A-Z]{1,5}@[a-z]{1,70}\\.[a-z]{2,3} ?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_line_is_trimmed_text_without_control_characters(raw in text()) {
        let expected = {
            let t = raw.trim();
            !t.is_empty() && t.chars().count() <= 20 && !t.chars().any(char::is_control)
        };
        match Line::<20>::parse(&raw) {
            Ok(line) => {
                prop_assert!(expected, "accepted {raw:?}");
                prop_assert_eq!(line.as_str(), raw.trim());
                prop_assert_eq!(Line::<20>::parse(line.as_str()), Ok(line.clone()));
                prop_assert_eq!(Line::<20>::parse_optional(line.as_str()), Ok(Some(line)));
            }
            Err(message) => {
                prop_assert!(!expected, "refused {raw:?}: {message}");
                prop_assert!(!message.is_empty());
            }
        }
    }

    #[test]
    fn a_text_keeps_lines_and_tabs_and_counts_what_the_user_sees(raw in text()) {
        let unified = raw.replace("\r\n", "\n");
        let t = unified.trim();
        let expected_some = !t.is_empty()
            && t.chars().count() <= 30
            && t.chars().all(|c| !c.is_control() || c == '\n' || c == '\t');
        match Text::<30>::parse_optional(&raw) {
            Ok(Some(text)) => {
                prop_assert!(expected_some, "accepted {raw:?}");
                prop_assert_eq!(text.as_str(), t);
                prop_assert_eq!(Text::<30>::parse(text.as_str()), Ok(text));
            }
            Ok(None) => prop_assert!(t.is_empty(), "{raw:?} taken as empty"),
            Err(_) => prop_assert!(!t.is_empty() && !expected_some, "refused {raw:?}"),
        }
    }

    #[test]
    fn an_email_is_what_browsers_accept_up_to_80_characters(raw in email_like()) {
        let t = raw.trim();
        let expected = t.chars().count() <= 80 && WHATWG_EMAIL.is_match(t);
        match Email::parse(&raw) {
            Ok(email) => {
                prop_assert!(expected, "accepted {raw:?}");
                prop_assert_eq!(email.as_str(), t);
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email));
            }
            Err(message) => prop_assert!(!expected, "refused {raw:?}: {message}"),
        }
    }

    #[test]
    fn an_age_is_a_whole_number_from_1_to_150(raw in prop_oneof![
        text(),
        "[ ]?[+\\-]?0{0,3}[0-9]{1,4}[ ]?",
        any::<i64>().prop_map(|n| n.to_string()),
    ]) {
        let t = raw.trim();
        let expected = Regex::new(r"^-?[0-9]+$").unwrap().is_match(t)
            && t.trim_start_matches('-').trim_start_matches('0').len() <= 3
            && (1..=150).contains(&t.parse::<i64>().unwrap_or(0));
        match Age::parse_optional(&raw) {
            Ok(Some(age)) => {
                prop_assert!(expected, "accepted {raw:?}");
                prop_assert_eq!(Age::parse_optional(&age.get().to_string()), Ok(Some(age)));
            }
            Ok(None) => prop_assert!(t.is_empty()),
            Err(_) => prop_assert!(!expected && !t.is_empty(), "refused {raw:?}"),
        }
        // The same rule, for grades and capacities.
        let whole = whole_number(&raw, 1, 150);
        prop_assert_eq!(whole.is_ok_and(|n| n.is_some()), expected);
    }

    #[test]
    fn a_course_code_is_2_to_20_letters_digits_or_dashes_kept_upper_case(raw in text()) {
        let t = raw.trim();
        let expected = Regex::new(r"^[A-Za-z0-9-]{2,20}$").unwrap().is_match(t);
        match CourseCode::parse(&raw) {
            Ok(code) => {
                prop_assert!(expected, "accepted {raw:?}");
                prop_assert_eq!(code.as_str(), t.to_ascii_uppercase());
                prop_assert_eq!(CourseCode::parse(&code.as_str().to_lowercase()), Ok(code.clone()));
                prop_assert_eq!(CourseCode::parse(code.as_str()), Ok(code));
            }
            Err(_) => prop_assert!(!expected, "refused {raw:?}"),
        }
    }

    #[test]
    fn a_username_is_3_to_32_letters_digits_underscores_or_dashes(raw in text()) {
        let t = raw.trim();
        let expected = Regex::new(r"^[A-Za-z0-9_-]{3,32}$").unwrap().is_match(t);
        match Username::parse(&raw) {
            Ok(name) => {
                prop_assert!(expected, "accepted {raw:?}");
                prop_assert_eq!(Username::parse(name.as_str()), Ok(name));
            }
            Err(_) => prop_assert!(!expected, "refused {raw:?}"),
        }
    }

    #[test]
    fn a_password_is_10_to_128_characters_taken_exactly(raw in prop_oneof![
        text(),
        ".{120,135}",
    ]) {
        let n = raw.chars().count();
        match Password::parse(&raw) {
            Ok(password) => {
                prop_assert!((10..=128).contains(&n), "accepted {n} characters");
                prop_assert_eq!(password.expose(), raw.as_str());
                let shown = format!("{:?}", password);
                prop_assert!(!shown.contains(&raw));
            }
            Err(_) => prop_assert!(!(10..=128).contains(&n), "refused {raw:?}"),
        }
    }

    #[test]
    fn a_phone_is_digits_and_punctuation_with_at_least_5_digits(raw in prop_oneof![
        text(),
        "[ ]?[+]?[0-9 ()./\\-]{3,32}[ ]?",
    ]) {
        let t = raw.trim();
        let expected = Regex::new(r"^[0-9 +\-./()]{1,30}$").unwrap().is_match(t)
            && t.bytes().filter(u8::is_ascii_digit).count() >= 5;
        match Phone::parse_optional(&raw) {
            Ok(Some(phone)) => {
                prop_assert!(expected, "accepted {raw:?}");
                prop_assert_eq!(Phone::parse_optional(phone.as_str()), Ok(Some(phone)));
            }
            Ok(None) => prop_assert!(t.is_empty()),
            Err(_) => prop_assert!(!expected && !t.is_empty(), "refused {raw:?}"),
        }
    }

    #[test]
    fn a_date_is_a_real_calendar_day_from_1900_to_2999(raw in prop_oneof![
        text(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        (1890i32..3010, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
    ]) {
        let t = raw.trim();
        let expected = Regex::new(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").unwrap().is_match(t)
            && chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .is_ok_and(|d| (1900..=2999).contains(&chrono::Datelike::year(&d)));
        match Date::parse(&raw) {
            Ok(date) => {
                prop_assert!(expected, "accepted {raw:?}");
                prop_assert_eq!(date.to_string(), t);
                prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
            }
            Err(_) => prop_assert!(!expected, "refused {raw:?}"),
        }
    }

    #[test]
    fn list_queries_take_anything_and_their_links_read_back_the_same(
        q in prop_oneof![text(), "[a ]{95,105}"], sort in text(), page in text(), per in text(),
        category in text(), handler in text(),
    ) {
        let params = [("q", q), ("sort", sort), ("page", page), ("per", per),
                      ("category", category), ("handler", handler)];
        let get = |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
        let query = ListQuery::<PetSort, PetFilter>::from_params(&get);
        prop_assert!(query.page >= 1);
        prop_assert!(roster_core::domain::PAGE_SIZES.contains(&query.per_page));
        prop_assert_eq!(query.clone().sanitized(), query.clone());

        // The link the page writes for this query, read as a browser sends it.
        let href = query.href("/pets/", query.page);
        let url = url::Url::parse(&format!("http://roster.test{href}")).unwrap();
        prop_assert_eq!(url.path(), "/pets/");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        prop_assert_eq!(ListQuery::<PetSort, PetFilter>::from_params(&get), query);
    }

    #[test]
    fn every_sort_key_reads_back_from_its_parameter(raw in text()) {
        for key in StudentSort::ALL {
            prop_assert_eq!(StudentSort::from_param(key.param()), Some(*key));
        }
        if let Some(key) = StudentSort::from_param(&raw) {
            prop_assert_eq!(key.param(), raw.as_str());
        }
        prop_assert_eq!(NoFilter::from_params(&|_| Some(raw.clone())), NoFilter);
    }

    #[test]
    fn a_student_form_never_panics_and_a_saved_student_reads_back_the_same(
        firstname in text(), lastname in text(), email in email_like(),
        age in prop_oneof![Just(String::new()), "[ ]?[0-9]{1,3}", text()],
        bio in text(), version in text(),
    ) {
        let input = StudentInput { firstname, lastname, email, age, bio, version };
        if let Ok(valid) = input.parse() {
            let stored = Student {
                id: 1,
                firstname: valid.firstname.as_str().into(),
                lastname: valid.lastname.as_str().into(),
                email: valid.email.as_str().into(),
                age: valid.age.map(Age::get),
                created_at: Timestamp::from_micros(0),
                bio: valid.bio.as_ref().map(|b| b.as_str().into()),
                version: 1,
                course_count: 0,
            };
            prop_assert_eq!(stored.to_input().parse(), Ok(valid));
        }
    }

    #[test]
    fn a_handler_form_never_panics_and_a_saved_handler_reads_back_the_same(
        name in text(), email in email_like(), phone in text(), version in text(),
    ) {
        let input = HandlerInput { name, email, phone, version };
        if let Ok(valid) = input.parse() {
            let stored = Handler {
                id: 1,
                name: valid.name.as_str().into(),
                email: valid.email.as_ref().map(|e| e.as_str().into()),
                phone: valid.phone.as_ref().map(|p| p.as_str().into()),
                created_at: Timestamp::from_micros(0),
                version: 1,
                pet_count: 0,
            };
            prop_assert_eq!(stored.to_input().parse(), Ok(valid));
        }
    }

    #[test]
    fn a_pet_form_never_panics_and_a_saved_pet_reads_back_the_same(
        name in text(), category in text(),
        handler_id in prop_oneof![text(), any::<i64>().prop_map(|n| n.to_string())],
        handler_q in text(), version in text(),
    ) {
        let input = PetInput { name, category, handler_id, handler_q, version };
        if let Ok(valid) = input.parse() {
            prop_assert!(valid.handler_id > 0);
            let stored = Pet {
                id: 1,
                name: valid.name.as_str().into(),
                category: valid.category.as_str().into(),
                handler_id: valid.handler_id,
                handler_name: "Someone".into(),
                created_at: Timestamp::from_micros(0),
                version: 1,
                comment_count: 0,
            };
            prop_assert_eq!(stored.to_input().parse(), Ok(valid));
        }
    }

    #[test]
    fn a_course_form_never_panics_and_a_saved_course_reads_back_the_same(
        code in text(), title in text(), description in text(),
        capacity in prop_oneof![text(), any::<i64>().prop_map(|n| n.to_string())],
        version in text(),
    ) {
        let input = CourseInput { code, title, description, capacity, version };
        if let Ok(valid) = input.parse() {
            if let Some(capacity) = valid.capacity {
                prop_assert!((1..=10_000).contains(&capacity));
            }
            let stored = roster_core::domain::Course {
                id: 1,
                code: valid.code.as_str().into(),
                title: valid.title.as_str().into(),
                description: valid.description.as_ref().map(|d| d.as_str().into()),
                capacity: valid.capacity,
                enrolled: 0,
                created_at: Timestamp::from_micros(0),
                version: 1,
            };
            prop_assert_eq!(stored.to_input().parse(), Ok(valid));
        }
    }

    #[test]
    fn the_other_forms_never_panic_and_refuse_what_their_rules_refuse(
        a in text(), b in email_like(), c in text(), d in text(), e in text(),
    ) {
        let comment = CommentInput { body: a.clone() }.parse();
        prop_assert_eq!(comment.is_ok(), Text::<200>::parse(&a).is_ok());
        let contact = ContactInput {
            name: a.clone(), email: b.clone(), subject: c.clone(), message: d.clone(),
            website: e.clone(),
        }.parse();
        if contact.is_ok() {
            prop_assert!(Email::parse(&b).is_ok() && !a.trim().is_empty());
        }
        let grade = GradeInput { grade: a.clone(), version: c.clone() }.parse();
        if let Ok(Some(grade)) = grade {
            prop_assert!((0..=100).contains(&grade));
        }
        let _ = roster_core::domain::parse_version(&a);
        let _ = roster_core::domain::DeleteInput::default().parse();
    }
}
