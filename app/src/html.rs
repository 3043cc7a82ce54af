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
/// one go (most text has none at all). Also safe inside a quoted attribute.
pub fn escape_into(out: &mut String, text: &str) {
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
use roster_core::domain::urls::Pattern;

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
        roster_core::domain::urls::push_id(&mut self.0, n);
        self
    }

    /// Text percent-encoded for a query parameter's value.
    pub fn encoded(&mut self, text: &str) -> &mut Self {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                self.0.push(b as char);
            } else {
                self.0.push('%');
                self.0.push(HEX[usize::from(b >> 4)] as char);
                self.0.push(HEX[usize::from(b & 15)] as char);
            }
        }
        self
    }

    /// The path of `pattern` for record `id` (no text from users in it).
    pub fn path(&mut self, pattern: Pattern, id: i64) -> &mut Self {
        pattern.write(&mut self.0, &[id]);
        self
    }

    /// The path of `pattern` for records `ids` (a comment under its pet).
    pub fn path_of(&mut self, pattern: Pattern, ids: &[i64]) -> &mut Self {
        pattern.write(&mut self.0, ids);
        self
    }

    /// `<time datetime="2026-11-21T06:07:59Z">Nov 21, 2026, 06:07 UTC</time>`.
    pub fn time(&mut self, at: roster_core::domain::Timestamp) -> &mut Self {
        self.raw("<time datetime=\"");
        at.write_rfc3339(&mut self.0);
        self.raw("\">");
        at.write_datetime_label(&mut self.0);
        self.raw("</time>")
    }

    /// `<td>` or `<td class="…">`. Most cells go without: every byte of a
    /// row is written, copied and sent a hundred times a page.
    fn td(&mut self, class: &'static str) -> &mut Self {
        if class.is_empty() {
            self.raw("<td>")
        } else {
            self.raw("<td class=\"").raw(class).raw("\">")
        }
    }

    /// `<td><a href="/pets/7/">text</a></td>`.
    pub fn link_to(
        &mut self,
        class: &'static str,
        pattern: Pattern,
        id: i64,
        text: &str,
    ) -> &mut Self {
        self.td(class)
            .raw("<a href=\"")
            .path(pattern, id)
            .raw("\">")
            .text(text)
            .raw("</a></td>")
    }

    /// `<td>text</td>`.
    pub fn cell(&mut self, class: &'static str, text: &str) -> &mut Self {
        self.td(class).text(text).raw("</td>")
    }

    /// `<td class="num">n</td>`.
    pub fn number_cell(&mut self, n: i64) -> &mut Self {
        self.raw("<td class=\"num\">").number(n).raw("</td>")
    }

    /// `<td>Nov 21, 2026</td>`.
    pub fn date_cell(&mut self, at: roster_core::domain::Timestamp) -> &mut Self {
        self.raw("<td>");
        roster_core::domain::Date::of(at).write_label(&mut self.0);
        self.raw("</td>")
    }

    /// The Edit link and the Delete button of a row. The button is a GET
    /// form to the confirmation page (without JavaScript); with it, the list
    /// asks in a dialog and deletes in place (into the trash), reading the
    /// `data-` values.
    /// Each only where `may` (the role's change and delete) allows it.
    #[allow(clippy::too_many_arguments)]
    pub fn actions_cell(
        &mut self,
        may: (bool, bool),
        edit: Pattern,
        delete: Pattern,
        id: i64,
        version: i64,
        title: &str,
    ) -> &mut Self {
        self.raw("<td class=\"acts\">");
        if may.0 {
            self.raw("<a href=\"").path(edit, id).raw("\">Edit</a> ");
        }
        if !may.1 {
            return self.raw("</td>");
        }
        self.raw("<form action=\"")
            .path(delete, id)
            .raw("\" data-delete=\"")
            .number(id)
            .raw("\" data-version=\"")
            .number(version)
            .raw("\" data-title=\"")
            .text(title)
            .raw("\" data-question=\"Delete ")
            .text(title)
            .raw("? It goes to the trash, where it can be restored.\"><button aria-label=\"Delete ")
            .text(title)
            .raw("\">Delete</button></form></td>")
    }

    /// The hidden CSRF field of a form in a row, for the session of who
    /// will see it (none signed out: such a form is refused anyway).
    pub fn csrf_field(&mut self, actor: &crate::service::Actor) -> &mut Self {
        if let Some(session) = &actor.session {
            self.raw("<input type=\"hidden\" name=\"csrf_token\" value=\"")
                .text(&session.csrf_token)
                .raw("\">");
        }
        self
    }

    /// `text` as a link to `href`, or plain when there is none.
    pub fn maybe_link(&mut self, href: Option<&str>, text: &str) -> &mut Self {
        match href {
            Some(href) => self
                .raw("<a href=\"")
                .text(href)
                .raw("\">")
                .text(text)
                .raw("</a>"),
            None => self.text(text),
        }
    }

    /// Markup written by this type already (a row written on its own).
    pub fn push_markup(&mut self, markup: &str) -> &mut Self {
        self.0.push_str(markup);
        self
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
            .link_to("name", roster_core::domain::urls::PET, 1, "<b>Rex</b>")
            .actions_cell(
                (true, true),
                roster_core::domain::urls::PET_EDIT,
                roster_core::domain::urls::PET_DELETE,
                1,
                2,
                "\"><script>",
            )
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
        let mut query = Html::default();
        query.encoded("guinea pig/é");
        // The same as the links the pages make.
        assert_eq!(
            format!("/pets/?category={}", query.into_string()),
            roster_core::domain::category_href("guinea pig/é")
        );
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::unescaped_child("</textarea><b a='1'>&"),
            "&lt;/textarea&gt;&lt;b a=&#39;1&#39;&gt;&amp;"
        );
    }
}
