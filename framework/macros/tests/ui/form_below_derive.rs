// Below the derive, the rules would silently be missing from the form's schema.
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
#[mizan::form(name = "newsletter")]
pub struct NewsletterForm {
    #[field(label = "Email")]
    #[validate(email(message = "enter a valid email address"))]
    pub email: String,
}

fn main() {}
