#[mizan::form(title = "Contact us")]
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct NamelessForm {
    pub email: String,
}

#[mizan::form(name = "contact", colour = "red", context = "global")]
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct ContactForm {
    pub email: String,
}

#[mizan::form(name = "2fa")]
#[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct CodeForm {
    pub code: String,
}

fn main() {}
