#[mizan::form(name = "newsletter")]
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct NewsletterForm {
    pub email: String,
}

fn main() {
    let _ = mizan::forms![NewsletterForm];
}
