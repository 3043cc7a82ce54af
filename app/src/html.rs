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
    out
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::unescaped_child("</textarea><b a='1'>&"),
            "&lt;/textarea&gt;&lt;b a=&#39;1&#39;&gt;&amp;"
        );
    }
}
