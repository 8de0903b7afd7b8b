#[mizan::form(name = "profile")]
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct ProfileForm {
    #[field(label = "Bio", widget = "slider")]
    pub bio: String,
    #[field(tooltip = "Where you live")]
    pub city: String,
    #[field(choices = ["red", "green"])]
    pub colour: String,
}

fn main() {}
