//! Decoding of argument objects, with error messages safe to show to clients.

use serde::de::DeserializeOwned;

use crate::Error;

/// Decodes a JSON arguments object, mapping failures to `BAD_REQUEST` errors whose messages
/// name the offending argument but never Rust types or internals.
pub(crate) fn decode_arguments<A: DeserializeOwned>(body: &[u8]) -> Result<A, Error> {
    match body.iter().find(|byte| !byte.is_ascii_whitespace()) {
        None => return Err(Error::bad_request("the request body is empty; send a JSON object of arguments")),
        // serde would also accept an array of positional arguments; the protocol does not.
        Some(b'[') => return Err(Error::bad_request("send the arguments as a JSON object of named arguments")),
        Some(_) => {}
    }
    serde_json::from_slice(body).map_err(|error| match error.classify() {
        serde_json::error::Category::Data => Error::bad_request(format!("invalid arguments: {}", describe(&error))),
        _ => Error::bad_request("the request body is not valid JSON"),
    })
}

/// serde_json's message without its position suffix and with Rust type names replaced.
fn describe(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => &message,
    };
    let mut out = String::with_capacity(message.len());
    let mut words = message.split(' ').peekable();
    while let Some(word) = words.next() {
        let replacement = match word {
            "struct" | "enum" | "variant" => {
                // `expected struct Arguments` / `expected enum Topic`: hide the type name.
                let skipped = words.next().unwrap_or_default();
                let trailing: String = skipped.chars().skip_while(|c| c.is_alphanumeric() || *c == '_').collect();
                Some(match word {
                    "struct" => format!("an object{trailing}"),
                    _ => format!("one of the allowed values{trailing}"),
                })
            }
            _ => None,
        };
        if !out.is_empty() {
            out.push(' ');
        }
        match replacement {
            Some(text) => out.push_str(&text),
            None => out.push_str(word),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct SecretInternalArgs {
        text: String,
    }

    fn message(body: &str) -> String {
        decode_arguments::<SecretInternalArgs>(body.as_bytes()).unwrap_err().message().to_owned()
    }

    #[test]
    fn missing_arguments_are_named() {
        assert_eq!(message("{}"), "invalid arguments: missing field `text`");
    }

    #[test]
    fn malformed_json_is_reported_without_detail() {
        assert_eq!(message("{\"text\":"), "the request body is not valid JSON");
        assert_eq!(message("nope"), "the request body is not valid JSON");
        assert!(message("").contains("empty"));
    }

    #[test]
    fn rust_type_names_never_reach_the_client() {
        for body in ["\"just a string\"", "5", "null"] {
            let text = message(body);
            assert!(!text.contains("SecretInternalArgs"), "{text}");
            assert!(text.contains("an object"), "{text}");
        }
        assert!(message("[\"positional\"]").contains("JSON object of named arguments"));
        assert_eq!(message("{\"text\": 5}"), "invalid arguments: invalid type: integer `5`, expected a string");
    }
}
