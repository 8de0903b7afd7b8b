#[mizan::form(name = "topic")]
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub enum Topic {
    General,
    Support,
}

fn main() {}
