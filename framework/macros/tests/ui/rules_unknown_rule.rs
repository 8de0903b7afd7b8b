#[mizan::rules]
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct Address {
    #[validate(lenght(min = 2))]
    pub city: String,
}

fn main() {}
