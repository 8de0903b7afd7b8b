// Below the derive, the rules would silently be missing from the schema.
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
#[mizan::rules]
pub struct Address {
    #[validate(length(min = 2, message = "city is too short"))]
    pub city: String,
}

fn main() {
    let _ = schemars::schema_for!(Address);
}
