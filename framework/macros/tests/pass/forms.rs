//! `mizan::forms!`: each listed form adds its `schema`, `validate` and `submit` functions.

use mizan::registry::FormRole;
use mizan::Ctx;
use schemars::JsonSchema;
use serde::Deserialize;
use validator::Validate;

mod newsletter {
    use schemars::JsonSchema;
    use serde::Deserialize;
    use validator::Validate;

    #[mizan::form(name = "newsletter", title = "Stay in touch")]
    #[derive(Deserialize, JsonSchema, Validate)]
    pub struct NewsletterForm {
        #[field(label = "Email", placeholder = "you@example.com")]
        #[validate(email(message = "enter a valid email address"))]
        pub email: String,
    }

    impl mizan::Form for NewsletterForm {
        type Output = bool;

        async fn on_submit(self, _ctx: &mizan::Ctx) -> mizan::Result<bool> {
            Ok(true)
        }
    }
}

#[mizan::form(name = "feedback")]
#[derive(Deserialize, JsonSchema, Validate)]
pub struct FeedbackForm {
    #[validate(length(min = 1))]
    pub text: String,
}

impl mizan::Form for FeedbackForm {
    type Output = ();

    async fn on_submit(self, _ctx: &Ctx) -> mizan::Result<()> {
        Ok(())
    }
}

fn main() {
    let definitions = mizan::forms![newsletter::NewsletterForm, FeedbackForm,];
    let names: Vec<&str> = definitions.iter().map(mizan::FunctionDef::name).collect();
    assert_eq!(
        names,
        [
            "newsletter.schema",
            "newsletter.validate",
            "newsletter.submit",
            "feedback.schema",
            "feedback.validate",
            "feedback.submit"
        ]
    );
    let (role, schema) = definitions[2].form().unwrap();
    assert_eq!(role, FormRole::Submit);
    assert_eq!(schema.title, "Stay in touch");
    assert_eq!(schema.fields[0].rules[0]["message"], "enter a valid email address");
    let (_, schema) = definitions[3].form().unwrap();
    assert_eq!(schema.title, "Feedback", "the name in words without a title");

    let none: Vec<mizan::FunctionDef> = mizan::forms![];
    assert!(none.is_empty());

    let registry = mizan::Mizan::new().functions(mizan::forms![newsletter::NewsletterForm]).registry().unwrap();
    let unlisted: Vec<String> = registry.unlisted().iter().map(ToString::to_string).collect();
    assert_eq!(unlisted.len(), 1, "{unlisted:?}");
    assert!(unlisted[0].starts_with("form `feedback`") && unlisted[0].ends_with("is not in `forms!`"), "{unlisted:?}");
}
