//! Text fields by their rules: one line (names, titles) or several (bios,
//! comments), each with a length limit counted in characters, as the user
//! sees them.

use serde::{Deserialize, Serialize};

const REQUIRED: &str = "This field is required.";
const CONTROL: &str = "Remove the control characters.";

/// One line of text: trimmed, non-empty, at most `MAX` characters, no
/// control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Line<const MAX: usize>(String);

impl<const MAX: usize> AsRef<str> for Line<MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> Line<MAX> {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let line = raw.trim();
        if line.is_empty() {
            return Err(REQUIRED.into());
        }
        if line.chars().count() > MAX {
            return Err(format!("Use at most {MAX} characters."));
        }
        if line.chars().any(char::is_control) {
            return Err(CONTROL.into());
        }
        Ok(Self(line.to_owned()))
    }

    /// Empty input means "not given".
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Text of several lines, at most `MAX` characters. Line endings are stored
/// as `\n` (browsers send `\r\n`), so the limit counts what the user sees;
/// tabs and line breaks are the only control characters allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> AsRef<str> for Text<MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> Text<MAX> {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match Self::parse_optional(raw)? {
            Some(text) => Ok(text),
            None => Err(REQUIRED.into()),
        }
    }

    /// Empty (or only white space) means "not given".
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        let text = raw.replace("\r\n", "\n");
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let len = text.chars().count();
        if len > MAX {
            return Err(format!("Use at most {MAX} characters (this has {len})."));
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(CONTROL.into());
        }
        Ok(Some(Self(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write them: digits with spaces, `+`, `-`, `.`,
/// `/` or brackets, 5 to 30 characters, at least 5 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

pub const PHONE_MAX: usize = 30;

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Phone {
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        let phone = raw.trim();
        if phone.is_empty() {
            return Ok(None);
        }
        let allowed = phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-./()".contains(c));
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !allowed || digits < 5 || phone.chars().count() > PHONE_MAX {
            return Err("Enter a phone number like +44 20 7946 0958.".into());
        }
        Ok(Some(Self(phone.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_and_bounded_in_characters() {
        assert_eq!(Line::<5>::parse("  héllo ").unwrap().as_str(), "héllo");
        assert!(Line::<5>::parse("hello!")
            .unwrap_err()
            .contains("at most 5"));
        assert!(Line::<5>::parse(" ").unwrap_err().contains("required"));
        assert!(Line::<5>::parse("a\tb").unwrap_err().contains("control"));
        assert_eq!(Line::<5>::parse_optional("  ").unwrap(), None);
    }

    #[test]
    fn texts_keep_lines_and_count_them_once() {
        let t = Text::<9>::parse("one\r\ntwo\r\n").unwrap();
        assert_eq!(t.as_str(), "one\ntwo");
        assert!(Text::<3>::parse("four")
            .unwrap_err()
            .contains("(this has 4)"));
        assert!(Text::<9>::parse("\r\n").unwrap_err().contains("required"));
        assert!(Text::<9>::parse("a\u{7}").is_err());
        assert_eq!(Text::<9>::parse_optional("").unwrap(), None);
    }

    #[test]
    fn phones() {
        for good in ["+44 20 7946 0958", "(555) 123-4567", "12345"] {
            assert!(Phone::parse_optional(good).unwrap().is_some(), "{good}");
        }
        for bad in ["1234", "call me", "+1 555 CALL NOW", &"1".repeat(31)] {
            assert!(Phone::parse_optional(bad).is_err(), "{bad}");
        }
        assert_eq!(Phone::parse_optional(" ").unwrap(), None);
    }
}
