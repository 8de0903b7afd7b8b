#[mizan::rules]
#[derive(serde::Deserialize, validator::Validate)]
pub struct Address {
    #[validate(length(min = 2))]
    pub city: String,
}

fn main() {}
