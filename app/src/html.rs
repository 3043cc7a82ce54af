//! Escaping where leptos does not do it for us.

/// Text for places that leptos writes into the HTML *unescaped* during server
/// rendering: the children of `<textarea>` (tachys marks the element as not
/// escaping its children) and the `<title>` that leptos_meta assembles. A bio
/// of `</textarea><script>…` would otherwise inject markup. Both elements hold
/// escapable raw text, so the browser decodes the entities back to the
/// original. In the browser the same text is set through the DOM as plain
/// text and must not be escaped.
pub fn unescaped_child(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        escape(text)
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_owned()
    }
}

#[cfg(feature = "ssr")]
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Escapes by runs: the text between two special characters is copied in
/// one go (most text has none at all).
#[cfg(feature = "ssr")]
fn escape_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// Markup written straight into a string on the server, for the rows of long
/// lists (see `record::list`): a hundred rows through the view machinery
/// cost far more than the rest of the page. Only `&'static str` goes in
/// unescaped, so text from users (never `'static`) cannot become markup.
#[cfg(feature = "ssr")]
#[derive(Default)]
pub struct Html(String);

#[cfg(feature = "ssr")]
impl Html {
    pub fn with_capacity(n: usize) -> Self {
        Self(String::with_capacity(n))
    }

    /// Markup written in this crate.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Text, escaped (also safe inside a quoted attribute value).
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.0, text);
        self
    }

    /// A whole number, written without the formatting machinery.
    pub fn number(&mut self, n: i64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = n.unsigned_abs();
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            self.0.push('-');
        }
        // Only ASCII digits were written.
        self.0
            .push_str(std::str::from_utf8(&digits[at..]).unwrap_or("0"));
        self
    }

    /// `<td class="…">text</td>`.
    pub fn cell(&mut self, class: &'static str, text: &str) -> &mut Self {
        self.raw("<td class=\"")
            .raw(class)
            .raw("\">")
            .text(text)
            .raw("</td>")
    }

    /// `<td class="num">n</td>`.
    pub fn number_cell(&mut self, n: i64) -> &mut Self {
        self.raw("<td class=\"num\">").number(n).raw("</td>")
    }

    /// `<td class="…"><a href="…">text</a></td>`.
    pub fn link_cell(&mut self, class: &'static str, href: &str, text: &str) -> &mut Self {
        self.raw("<td class=\"")
            .raw(class)
            .raw("\"><a href=\"")
            .text(href)
            .raw("\">")
            .text(text)
            .raw("</a></td>")
    }

    /// `<td><time datetime="2026-11-21">Nov 21, 2026</time></td>`.
    pub fn date_cell(&mut self, at: roster_core::domain::Timestamp) -> &mut Self {
        let day = roster_core::domain::Date::of(at);
        self.raw("<td class=\"date\"><time datetime=\"");
        day.write_iso(&mut self.0);
        self.raw("\">");
        day.write_label(&mut self.0);
        self.raw("</time></td>")
    }

    /// The Edit link and the Delete button of a row. The button is a GET
    /// form to the confirmation page (without JavaScript); with it, the list
    /// asks in a dialog and deletes in place, reading the `data-` values.
    pub fn actions_cell(
        &mut self,
        edit: &str,
        delete: &str,
        id: i64,
        version: i64,
        title: &str,
    ) -> &mut Self {
        self.raw("<td class=\"row-actions\"><a class=\"button small secondary\" href=\"")
            .text(edit)
            .raw("\">Edit</a><form method=\"get\" action=\"")
            .text(delete)
            .raw("\" data-delete=\"")
            .number(id)
            .raw("\" data-version=\"")
            .number(version)
            .raw("\" data-title=\"")
            .text(title)
            .raw("\"><button type=\"submit\" class=\"small danger\" aria-label=\"Delete ")
            .text(title)
            .raw("\">Delete</button></form></td>")
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::Html;

    #[test]
    fn rows_escape_everything_from_users() {
        let mut html = Html::default();
        html.raw("<tr>")
            .link_cell("name", "/pets/1/", "<b>Rex</b>")
            .actions_cell("/pets/1/edit/", "/pets/1/delete/", 1, 2, "\"><script>")
            .raw("</tr>");
        let html = html.into_string();
        assert!(html.contains("&lt;b&gt;Rex&lt;/b&gt;"));
        assert!(!html.contains("<script>") && html.contains("&quot;&gt;&lt;script&gt;"));
        assert!(html.contains("data-delete=\"1\" data-version=\"2\""));
        let mut numbers = Html::default();
        numbers
            .number(0)
            .raw(" ")
            .number(-42)
            .raw(" ")
            .number(i64::MIN);
        assert_eq!(numbers.into_string(), "0 -42 -9223372036854775808");
        let mut text = Html::default();
        text.text("a<b>&'c\"é");
        assert_eq!(text.into_string(), "a&lt;b&gt;&amp;&#39;c&quot;é");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::unescaped_child("</textarea><b a='1'>&"),
            "&lt;/textarea&gt;&lt;b a=&#39;1&#39;&gt;&amp;"
        );
    }
}
