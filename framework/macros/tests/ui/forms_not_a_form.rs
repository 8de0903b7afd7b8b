#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct Plain {
    pub email: String,
}

fn main() {
    let _ = mizan::forms![Plain];
}
