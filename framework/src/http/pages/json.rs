//! JSON that is safe inside an HTML `<script>` element.

/// Rewrites the JSON text `json` so it can be placed verbatim inside `<script>...</script>`:
/// `<`, `>` and `&` become `\u003c`, `\u003e` and `\u0026` (so neither `</script>` nor `<!--`
/// can end or change the script), and U+2028/U+2029 are escaped too. These characters can only
/// occur inside JSON strings, where the escapes mean the same characters: the result is still
/// valid JSON and a valid JavaScript expression with the same value.
pub fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_characters_are_escaped_and_the_value_survives() {
        let input = serde_json::json!({ "s": "</script><!-- & \u{2028}\u{2029} <b>" });
        let out = script_safe_json(&input.to_string());
        for needle in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!out.contains(needle), "{out} contains {needle:?}");
        }
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, input);
    }
}
