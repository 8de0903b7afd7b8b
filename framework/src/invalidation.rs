//! Invalidation keys: which contexts a client should refetch after a call.
//!
//! A key is either a context's name (`"counter"`: the global context, or every instance of a
//! local one) or a local context's name with its arguments as canonical JSON
//! (`greet?{"name":"Ann"}`: that one instance). Canonical JSON sorts object keys at every
//! level and has no whitespace, so the server and the client spell one instance the same way;
//! [`context_key`] writes it.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Error;

/// The invalidation key (and `$local` SSR data key) of one instance of the context `name`:
/// `name?<canonical JSON of args>`.
///
/// ```
/// # fn main() -> mizan::Result<()> {
/// let key = mizan::context_key("greet", &serde_json::json!({"name": "Ann", "lang": "en"}))?;
/// assert_eq!(key, r#"greet?{"lang":"en","name":"Ann"}"#);
/// # Ok(()) }
/// ```
///
/// Pass it to [`Ctx::invalidate`](crate::Ctx::invalidate) to refetch only that instance.
/// Fails with `INTERNAL` when `args` cannot be serialised as JSON (a map with non-string keys).
pub fn context_key(name: &str, args: &impl Serialize) -> Result<String, Error> {
    let args = serde_json::to_value(args).map_err(Error::internal)?;
    let mut key = String::with_capacity(name.len() + 32);
    key.push_str(name);
    key.push('?');
    key.push_str(&canonical_json(&args));
    Ok(key)
}

/// `value` as JSON text with object keys sorted at every level and no whitespace.
pub fn canonical_json(value: &Value) -> String {
    sorted(value).to_string()
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
            Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect::<Map<_, _>>())
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Splits a key into the context name and its arguments JSON (`None` for a bare name).
pub(crate) fn split_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once('?') {
        Some((name, args)) => (name, Some(args)),
        None => (key, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cases the client's `localContextId` is tested against too.
    const SHARED_CASES: &str = include_str!("../../js/test/fixtures/context-keys.json");

    #[test]
    fn keys_match_the_clients_canonical_json() {
        let cases: Vec<Value> = serde_json::from_str(SHARED_CASES).unwrap();
        assert!(cases.len() >= 5);
        for case in cases {
            let name = case["name"].as_str().unwrap();
            assert_eq!(context_key(name, &case["args"]).unwrap(), case["key"].as_str().unwrap(), "{case}");
        }
    }

    #[test]
    fn keys_split_back_into_name_and_arguments() {
        assert_eq!(split_key("counter"), ("counter", None));
        assert_eq!(split_key(r#"greet?{"q":"a?b"}"#), ("greet", Some(r#"{"q":"a?b"}"#)));
    }
}
