//! Invalidation keys: which contexts a client should refetch after a call.
//!
//! A key is either a context's name (`"counter"`: the global context, or every instance of a
//! local one) or a local context's name with its arguments as canonical JSON
//! (`greet?{"name":"Ann"}`: that one instance). The arguments are written as canonical JSON,
//! [RFC 8785](https://www.rfc-editor.org/rfc/rfc8785) (JCS): no whitespace, object keys sorted
//! by their UTF-16 code units at every level, numbers as JavaScript prints them (`1.0` is `1`,
//! `1e21` is `1e+21`), strings escaped as `JSON.stringify` does. The client's `canonicalJson`
//! follows the same rules, so the server and the client spell one instance the same way
//! (tested on one shared fixture); [`context_key`] writes it.

use serde::Serialize;
use serde_json::Value;

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

/// `value` as canonical JSON (RFC 8785): no whitespace, object keys sorted by UTF-16 code
/// units, numbers in JavaScript's shortest form.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::with_capacity(64);
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(number, out),
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (n, (key, item)) in entries.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
    }
}

/// A string as `JSON.stringify` writes it (serde_json escapes the same characters).
fn write_string(text: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(text).expect("strings serialise"));
}

/// Integers JavaScript represents exactly (|n| <= 2^53).
const MAX_SAFE: u64 = 1 << 53;

/// A number as JavaScript's `Number.prototype.toString` writes it: an integer up to 2^53 as
/// is, anything else through its double value (which is all JavaScript sees of it).
fn write_number(number: &serde_json::Number, out: &mut String) {
    if let Some(n) = number.as_u64().filter(|n| *n <= MAX_SAFE) {
        out.push_str(&n.to_string());
    } else if let Some(n) = number.as_i64().filter(|n| n.unsigned_abs() <= MAX_SAFE) {
        out.push_str(&n.to_string());
    } else {
        write_double(number.as_f64().unwrap_or(f64::NAN), out);
    }
}

/// ECMAScript's Number::toString(x) for a finite double (RFC 8785, section 3.2.2.3); `null`
/// for NaN and infinities, as `JSON.stringify` writes them.
fn write_double(x: f64, out: &mut String) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    if x == 0.0 {
        out.push('0'); // also -0
        return;
    }
    if x < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` is the shortest representation that round-trips, as ECMAScript requires:
    // `d[.ddd]e<exp>`.
    let scientific = format!("{:e}", x.abs());
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` has an exponent");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    // The decimal point sits after `n` digits: x = 0.digits × 10^n.
    let n = exponent.parse::<i32>().expect("a decimal exponent") + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n - 1 >= 0 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
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
    const SHARED_CASES: &str = include_str!("../../../js/test/fixtures/context-keys.json");

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
    fn numbers_are_written_as_javascript_writes_them() {
        // RFC 8785, appendix B, and JavaScript's `String(x)` on the same doubles.
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (9007199254740992.0, "9007199254740992"),
            (295147905179352830000.0, "295147905179352830000"),
            (4.50, "4.5"),
            (2e-3, "0.002"),
            (0.000001234, "0.000001234"),
            (333333333.3333333, "333333333.3333333"),
            (1.5e300, "1.5e+300"),
        ];
        for (x, expected) in cases {
            let mut out = String::new();
            write_double(*x, &mut out);
            assert_eq!(out, *expected, "{x:e}");
        }
        assert_eq!(
            canonical_json(&serde_json::json!([u64::MAX, i64::MIN, 9007199254740993_u64])),
            "[18446744073709552000,-9223372036854776000,9007199254740992]"
        );
    }

    #[test]
    fn keys_split_back_into_name_and_arguments() {
        assert_eq!(split_key("counter"), ("counter", None));
        assert_eq!(split_key(r#"greet?{"q":"a?b"}"#), ("greet", Some(r#"{"q":"a?b"}"#)));
    }
}
