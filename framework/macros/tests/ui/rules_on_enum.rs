#[mizan::rules]
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub enum Size {
    Small,
    Large,
}

fn main() {}
