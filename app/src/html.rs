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

#[cfg(feature = "ssr")]
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
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

    pub fn number(&mut self, n: i64) -> &mut Self {
        use std::fmt::Write;
        let _ = write!(self.0, "{n}");
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

    /// `<td><time datetime="…">Nov 21, 2026</time></td>`.
    pub fn date_cell(&mut self, at: roster_core::domain::Timestamp) -> &mut Self {
        self.raw("<td class=\"date\"><time datetime=\"")
            .text(&at.to_rfc3339())
            .raw("\">")
            .text(&at.date_label())
            .raw("</time></td>")
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
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::unescaped_child("</textarea><b a='1'>&"),
            "&lt;/textarea&gt;&lt;b a=&#39;1&#39;&gt;&amp;"
        );
    }
}
