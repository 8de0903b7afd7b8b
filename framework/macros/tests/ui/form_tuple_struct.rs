#[mizan::form(name = "search")]
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct SearchForm(String);

fn main() {}
