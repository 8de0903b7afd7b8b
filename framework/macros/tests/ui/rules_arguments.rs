#[mizan::rules(strict)]
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct Address {
    #[validate(length(min = 2))]
    pub city: String,
}

fn main() {}
