//! `#[mizan::form]`: the form's name and title, each field's `#[field(...)]` metadata and its
//! `#[validate]` rules reach the form's schema; `forms!` registers its three functions.

use mizan::forms::{schema_of, Choice, Widget};
use mizan::{AuthLevel, Ctx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    General,
    Support,
}

/// Asks for a callback.
#[mizan::form(name = "callback", title = "Call me back", auth = true, invalidates = ["callbacks"])]
#[derive(Deserialize, JsonSchema, Validate)]
#[serde(rename_all = "camelCase")]
pub struct CallbackForm {
    #[field(label = "Your name", placeholder = "Ann Smith")]
    #[validate(length(min = 1, max = 80, message = "tell us your name"))]
    pub full_name: String,
    #[field(label = "Phone", widget = "tel", help = "We call within a day.")]
    #[validate(length(min = 6, max = 20))]
    pub phone: String,
    #[field(choices = [("general", "Anything"), ("support", "Help")], initial = "general")]
    pub topic: Topic,
    pub best_time: Option<String>,
    #[validate(email)]
    pub email: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Scheduled {
    pub ticket: u32,
}

impl mizan::Form for CallbackForm {
    type Output = Scheduled;

    async fn check(&self, _ctx: &Ctx) -> mizan::Result<()> {
        if self.phone.starts_with("000") {
            return Err(mizan::Error::invalid_field("phone", "this number cannot be called"));
        }
        Ok(())
    }

    async fn on_submit(self, _ctx: &Ctx) -> mizan::Result<Scheduled> {
        Ok(Scheduled { ticket: 7 })
    }
}

/// Lists callbacks.
#[mizan::client(context = "global")]
pub async fn callbacks() -> mizan::Result<u32> {
    Ok(0)
}

fn main() {
    let schema = schema_of::<CallbackForm>();
    assert_eq!((schema.name.as_str(), schema.title.as_str()), ("callback", "Call me back"));
    let names: Vec<&str> = schema.fields.iter().map(|field| field.name.as_str()).collect();
    assert_eq!(names, ["fullName", "phone", "topic", "bestTime", "email"], "declaration order, serde names");

    let name = &schema.fields[0];
    assert_eq!((name.label.as_str(), name.placeholder.as_deref()), ("Your name", Some("Ann Smith")));
    assert_eq!(name.widget, Widget::Text);
    assert!(name.required);
    assert_eq!(name.rules[0]["rule"], "length");
    assert_eq!(name.rules[0]["max"], 80);
    assert_eq!(name.rules[0]["message"], "tell us your name");

    let phone = &schema.fields[1];
    assert_eq!((phone.widget, phone.help.as_deref()), (Widget::Tel, Some("We call within a day.")));

    let topic = &schema.fields[2];
    assert_eq!(topic.label, "Topic", "the name in words without a label");
    assert_eq!(topic.widget, Widget::Select);
    assert_eq!(topic.initial, Some(serde_json::json!("general")));
    let choices = topic.choices.as_deref().unwrap();
    assert_eq!(choices[1], Choice { value: serde_json::json!("support"), label: "Help".to_owned() });

    let best_time = &schema.fields[3];
    assert!(!best_time.required, "an `Option`");

    assert_eq!(schema.fields[4].widget, Widget::Email, "from the `email` rule");

    let registry = mizan::Mizan::new()
        .functions(mizan::fns![callbacks])
        .functions(mizan::forms![CallbackForm])
        .registry()
        .unwrap();
    for suffix in ["schema", "validate", "submit"] {
        let function = registry.get(&format!("callback.{suffix}")).unwrap();
        assert_eq!(function.auth(), AuthLevel::Authenticated, "{suffix}");
    }
    let submit = registry.get("callback.submit").unwrap();
    assert_eq!(submit.invalidates(), ["callbacks"]);
    assert_eq!(submit.doc(), "Asks for a callback.");
    assert!(registry.unlisted().is_empty(), "{:?}", registry.unlisted());
}
