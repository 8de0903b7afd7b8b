//! `#[mizan::rules]`: a struct's `#[validate]` rules, with their parameters and messages,
//! reach its JSON Schema (as `x-mizan-rules`), and the struct still validates as before.

use schemars::JsonSchema;
use serde::Deserialize;
use validator::Validate;

const MAX_CITY: u64 = 60;

#[mizan::rules]
#[derive(Debug, Deserialize, JsonSchema, Validate)]
pub struct Address {
    #[validate(length(min = 2, max = MAX_CITY, message = "city is too short"))]
    pub city: String,
    #[validate(range(min = 1, max = 99999))]
    pub zip: u32,
    #[validate(email, length(max = 100))]
    pub contact: String,
    /// No rules: nothing added.
    pub street: Option<String>,
}

#[mizan::rules]
#[derive(Debug, Deserialize, JsonSchema, Validate)]
pub struct Signup {
    #[validate(length(min = 8, message = "use at least 8 characters"))]
    pub password: String,
    #[validate(must_match(other = "password", message = "the passwords differ"))]
    pub repeat: String,
    #[validate(nested)]
    pub address: Address,
}

/// Takes a validated struct as an argument.
#[mizan::client]
pub async fn sign_up(signup: Signup) -> mizan::Result<()> {
    let _ = signup;
    Ok(())
}

fn main() {
    let schema = schemars::schema_for!(Address);
    let properties = &schema.as_value()["properties"];
    let city = properties["city"]["x-mizan-rules"].as_array().expect("the rules are in the schema");
    assert_eq!(city.len(), 1, "{schema:?}");
    assert_eq!(city[0]["rule"], "length");
    assert_eq!((&city[0]["min"], &city[0]["max"]), (&serde_json::json!(2), &serde_json::json!(60)));
    assert_eq!(city[0]["message"], "city is too short");
    assert_eq!(properties["zip"]["x-mizan-rules"][0]["max"], 99999);
    let contact: Vec<&str> = properties["contact"]["x-mizan-rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["rule"].as_str().unwrap())
        .collect();
    assert_eq!(contact, ["email", "length"]);
    assert!(properties["street"].get("x-mizan-rules").is_none(), "{schema:?}");

    let schema = schemars::schema_for!(Signup);
    let repeat = &schema.as_value()["properties"]["repeat"]["x-mizan-rules"][0];
    assert_eq!((&repeat["rule"], &repeat["other"]), (&serde_json::json!("must_match"), &serde_json::json!("password")));
    assert!(schema.as_value()["properties"]["address"].get("x-mizan-rules").is_none(), "`nested` is not a rule");

    // The rules themselves are untouched.
    let address = Address { city: "X".to_owned(), zip: 1, contact: "a@example.com".to_owned(), street: None };
    let errors = address.validate().unwrap_err();
    assert_eq!(errors.field_errors()["city"][0].message.as_deref(), Some("city is too short"));

    let registry = mizan::Mizan::new().functions(mizan::fns![sign_up]).registry().unwrap();
    assert!(registry.get("sign_up").is_some());
}
