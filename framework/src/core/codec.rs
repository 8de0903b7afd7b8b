//! Decoding of argument objects, with error messages safe to show to clients.

use serde::de::DeserializeOwned;

use crate::core::error::Error;

/// Decodes a JSON arguments object, mapping failures to `BAD_REQUEST` errors whose messages
/// name the offending argument but never Rust types or internals.
pub(crate) fn decode_arguments<A: DeserializeOwned>(body: &[u8]) -> Result<A, Error> {
    match body.iter().find(|byte| !byte.is_ascii_whitespace()) {
        None => return Err(Error::bad_request("the request body is empty; send a JSON object of arguments")),
        // serde would also accept an array of positional arguments; the protocol does not.
        Some(b'[') => return Err(Error::bad_request("send the arguments as a JSON object of named arguments")),
        Some(_) => {}
    }
    match serde_json::from_slice(body) {
        Ok(arguments) => Ok(arguments),
        // Decode again, on this rare path only, to learn where the error is.
        Err(error) if error.classify() == serde_json::error::Category::Data => {
            let deserializer = &mut serde_json::Deserializer::from_slice(body);
            let message = match serde_path_to_error::deserialize::<_, A>(deserializer) {
                Err(error) => describe(error.path().to_string(), error.inner()),
                Ok(_) => describe(String::new(), &error),
            };
            Err(Error::bad_request(format!("invalid arguments: {message}")))
        }
        Err(_) => Err(Error::bad_request("the request body is not valid JSON")),
    }
}

/// Decodes an already parsed JSON value (a channel's parameters or message); a failure is a
/// `BAD_REQUEST` described as [`decode_arguments`] does (the offending field and the JSON type
/// expected, never a Rust type name), after `what` (`invalid message`).
pub(crate) fn decode_value<T: DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T, Error> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map_err(|error| Error::bad_request(format!("{what}: {}", describe(error.path().to_string(), error.inner()))))
}

/// Refuses a parsed JSON value nested deeper than `max` arrays/objects.
pub(crate) fn check_value_depth(value: &serde_json::Value, max: usize) -> Result<(), Error> {
    fn within(value: &serde_json::Value, max: usize) -> bool {
        match value {
            serde_json::Value::Array(items) => max > 0 && items.iter().all(|item| within(item, max - 1)),
            serde_json::Value::Object(entries) => max > 0 && entries.values().all(|entry| within(entry, max - 1)),
            _ => true,
        }
    }
    match within(value, max) {
        true => Ok(()),
        false => Err(too_deep(max)),
    }
}

/// The error of arguments nested more than `max` levels deep.
fn too_deep(max: usize) -> Error {
    Error::bad_request(format!("the arguments are nested more than {max} levels deep"))
}

/// Refuses JSON nested deeper than `max` arrays/objects, without parsing it.
pub(crate) fn check_depth(body: &[u8], max: usize) -> Result<(), Error> {
    if body.len() <= max {
        // Every level takes at least one byte.
        return Ok(());
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in body {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(too_deep(max));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// serde_json's message without its position suffix, with Rust type names replaced by JSON
/// terms, prefixed with the path of the offending value when it is nested.
pub(crate) fn describe(path: String, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = message.rfind(" at line ").map_or(message.as_str(), |at| &message[..at]);
    let mut out = Vec::new();
    let mut words = message.split(' ').peekable();
    while let Some(word) = words.next() {
        let bare = word.trim_end_matches([',', ';', ':']);
        let punctuation = &word[bare.len()..];
        let replacement = match bare {
            "tuple" | "newtype" | "unit" if matches!(words.peek(), Some(&"struct") | Some(&"variant")) => {
                words.next();
                let name = words.next().unwrap_or_default();
                let rest = &name[name.trim_end_matches([',', ';', ':']).len()..];
                format!("a valid value{rest}")
            }
            // `unknown variant `x`, expected one of ...`: the value is the client's own.
            "variant" if out.last().is_some_and(|last: &String| last == "unknown") => format!("value{punctuation}"),
            "struct" | "enum" | "variant" => {
                // `expected struct Address` / `expected enum Topic`: hide the type name.
                let name = words.next().unwrap_or_default();
                let rest = &name[name.trim_end_matches([',', ';', ':']).len()..];
                match bare {
                    "struct" => format!("an object{rest}"),
                    _ => format!("one of the allowed values{rest}"),
                }
            }
            "sequence" => format!("array{punctuation}"),
            "map" => format!("object{punctuation}"),
            other => match integer_range(other) {
                Some((min, max)) => format!("an integer between {min} and {max}{punctuation}"),
                None if matches!(other, "f32" | "f64") => format!("a number{punctuation}"),
                None => word.to_owned(),
            },
        };
        out.push(replacement);
    }
    let message = out.join(" ").replace("a array", "an array").replace("a object", "an object");
    match path.as_str() {
        "." | "" => message,
        path => format!("`{path}`: {message}"),
    }
}

fn integer_range(name: &str) -> Option<(i128, u128)> {
    Some(match name {
        "i8" => (i8::MIN.into(), i8::MAX as u128),
        "i16" => (i16::MIN.into(), i16::MAX as u128),
        "i32" => (i32::MIN.into(), i32::MAX as u128),
        "i64" | "isize" => (i64::MIN.into(), i64::MAX as u128),
        "i128" => (i128::MIN, i128::MAX as u128),
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, u64::MAX.into()),
        "u128" => (0, u128::MAX),
        _ => return None,
    })
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
    fn nesting_depth_is_limited_outside_strings() {
        assert!(check_depth(br#"{"a":[[1]]}"#, 3).is_ok());
        assert!(check_depth(br#"{"a":[[[1]]]}"#, 3).is_err());
        assert!(check_depth(br#"{"a":"[[[[[[\"[[["}"#, 2).is_ok(), "brackets inside strings do not count");
        assert!(check_depth(&vec![b'['; 100_000], 64).is_err());
    }

    #[test]
    fn parsed_values_are_held_to_the_same_depth() {
        let value = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        for (text, max) in [("[[1]]", 2), ("{\"a\":{\"b\":[]}}", 3), ("1", 0), ("[]", 1)] {
            assert!(check_value_depth(&value(text), max).is_ok(), "{text} within {max}");
            assert!(check_depth(text.as_bytes(), max).is_ok(), "{text} within {max} as bytes");
        }
        for (text, max) in [("[[1]]", 1), ("{\"a\":{\"b\":[]}}", 2), ("[]", 0)] {
            assert!(check_value_depth(&value(text), max).is_err(), "{text} past {max}");
        }
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
    fn integer_and_collection_errors_use_json_terms() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Numbers {
            small: u8,
            list: Vec<i32>,
        }
        let message = |body: &str| decode_arguments::<Numbers>(body.as_bytes()).unwrap_err().message().to_owned();
        assert_eq!(
            message(r#"{"small": 300, "list": []}"#),
            "invalid arguments: `small`: invalid value: integer `300`, expected an integer between 0 and 255"
        );
        assert_eq!(
            message(r#"{"small": 1, "list": {"a": 1}}"#),
            "invalid arguments: `list`: invalid type: object, expected an array"
        );
        assert_eq!(
            message(r#"{"small": 1, "list": [1, "x"]}"#),
            "invalid arguments: `list[1]`: invalid type: string \"x\", expected an integer between -2147483648 and 2147483647"
        );
        assert!(message(r#"{"small": 1, "list": []} trailing"#).contains("not valid JSON"));
    }

    #[test]
    fn rust_type_names_never_reach_the_client() {
        for body in ["\"just a string\"", "5", "null"] {
            let text = message(body);
            assert!(!text.contains("SecretInternalArgs"), "{text}");
            assert!(text.contains("an object"), "{text}");
        }
        assert!(message("[\"positional\"]").contains("JSON object of named arguments"));
        assert_eq!(message("{\"text\": 5}"), "invalid arguments: `text`: invalid type: integer `5`, expected a string");
    }
}
