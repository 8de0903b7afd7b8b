//! Forms over HTTP: `<name>.schema`, `<name>.validate` and `<name>.submit` of forms declared
//! with `#[mizan::form]`, through the same CSRF, auth and error rules as every call.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use mizan::{Ctx, Error};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use validator::Validate;

use crate::support::{app_with, assert_error, call, send, TOKEN};

/// How often a newsletter form was submitted successfully (proves `validate` changes nothing).
static SUBSCRIBED: AtomicUsize = AtomicUsize::new(0);

/// How often the newsletter is sent.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Frequency {
    Weekly,
    Monthly,
}

/// Join the newsletter.
#[mizan::form(name = "newsletter", title = "Stay in touch")]
#[derive(Debug, Deserialize, JsonSchema, Validate)]
pub(crate) struct NewsletterForm {
    #[field(label = "Your email", placeholder = "you@example.com", help = "We never share it.")]
    #[validate(email(message = "enter a valid email address"))]
    pub(crate) email: String,
    #[validate(length(min = 1, max = 40))]
    pub(crate) first_name: String,
    pub(crate) frequency: Frequency,
    #[field(choices = [(1, "One a month"), (4, "Four a month")], initial = 1)]
    #[validate(range(min = 1, max = 4))]
    pub(crate) issues: u8,
    #[field(label = "I accept the terms")]
    pub(crate) terms: bool,
    #[field(widget = "textarea")]
    pub(crate) note: Option<String>,
    pub(crate) password: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Subscribed {
    pub(crate) welcome: String,
}

impl mizan::Form for NewsletterForm {
    type Output = Subscribed;

    async fn check(&self, _ctx: &Ctx) -> mizan::Result<()> {
        if self.email == "taken@example.com" {
            return Err(Error::invalid_field("email", "this address is already subscribed"));
        }
        if !self.terms {
            return Err(Error::invalid_form("accept the terms to subscribe"));
        }
        Ok(())
    }

    async fn on_submit(self, _ctx: &Ctx) -> mizan::Result<Subscribed> {
        if self.first_name == "Crash" {
            return Err(Error::internal(std::io::Error::other("the mail service is down at /srv/mail")));
        }
        let _ = (self.frequency, self.note, self.password);
        SUBSCRIBED.fetch_add(1, Ordering::SeqCst);
        Ok(Subscribed { welcome: format!("Welcome, {}!", self.first_name) })
    }
}

/// Members only.
#[mizan::form(name = "feedback", auth = true)]
#[derive(Debug, Deserialize, JsonSchema, Validate)]
pub(crate) struct FeedbackForm {
    #[validate(length(min = 1))]
    pub(crate) text: String,
}

impl mizan::Form for FeedbackForm {
    type Output = String;

    /// `on_submit` sees the user.
    async fn on_submit(self, ctx: &Ctx) -> mizan::Result<String> {
        let user = ctx.user().await?.ok_or_else(Error::unauthenticated)?;
        Ok(format!("{} says {}", user.username, self.text))
    }
}

async fn app(
) -> impl actix_web::dev::Service<actix_http::Request, Response = actix_web::dev::ServiceResponse, Error = actix_web::Error>
{
    app_with(|mizan| mizan.functions(mizan::forms![NewsletterForm, FeedbackForm])).await
}

fn valid() -> Value {
    json!({
        "email": "ann@example.com",
        "first_name": "Ann",
        "frequency": "weekly",
        "issues": 4,
        "terms": true,
        "note": null,
    })
}

fn with(changes: Value) -> Value {
    let mut values = valid();
    for (key, value) in changes.as_object().unwrap() {
        if value.is_null() {
            values.as_object_mut().unwrap().remove(key);
        } else {
            values[key] = value.clone();
        }
    }
    values
}

#[actix_web::test]
async fn the_schema_lists_fields_in_order_with_metadata_and_rules() {
    let app = app().await;
    let (status, body) = send(&app, call("newsletter.schema", "{}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let schema = &body["result"];
    assert_eq!(schema["name"], "newsletter");
    assert_eq!(schema["title"], "Stay in touch");
    let fields = schema["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|field| field["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["email", "first_name", "frequency", "issues", "terms", "note", "password"], "declaration order");
    assert_eq!(
        fields[0],
        json!({
            "name": "email", "label": "Your email", "widget": "email", "required": true,
            "help": "We never share it.", "placeholder": "you@example.com",
            "rules": [{ "rule": "email", "message": "enter a valid email address" }],
        })
    );
    assert_eq!(fields[1]["label"], "First name", "a label by default");
    assert_eq!(fields[1]["widget"], "text");
    assert_eq!(fields[1]["rules"], json!([{ "rule": "length", "min": 1, "max": 40 }]));
    assert_eq!(fields[2]["widget"], "select", "an enum is a select");
    assert_eq!(
        fields[2]["choices"],
        json!([{ "value": "weekly", "label": "Weekly" }, { "value": "monthly", "label": "Monthly" }])
    );
    assert_eq!(fields[3]["widget"], "select", "explicit choices make a select");
    assert_eq!(fields[3]["initial"], 1);
    assert_eq!(fields[3]["choices"][1], json!({ "value": 4, "label": "Four a month" }));
    assert_eq!(
        (fields[4]["widget"].as_str(), fields[4]["label"].as_str()),
        (Some("checkbox"), Some("I accept the terms"))
    );
    assert_eq!((fields[5]["widget"].as_str(), fields[5]["required"].as_bool()), (Some("textarea"), Some(false)));
    assert_eq!(fields[6]["widget"], "password", "by name");
}

#[actix_web::test]
async fn validate_reports_every_problem_and_changes_nothing() {
    let app = app().await;
    let before = SUBSCRIBED.load(Ordering::SeqCst);
    let (status, body) = send(&app, call("newsletter.validate", valid().to_string())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"], json!({ "valid": true, "fields": {} }));

    // Partly filled in: the missing fields are required, the present ones still checked.
    let (status, body) = send(&app, call("newsletter.validate", r#"{"email": "nope", "issues": 9}"#)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["result"],
        json!({
            "valid": false,
            "fields": {
                "email": ["enter a valid email address"],
                "first_name": ["is required"],
                "frequency": ["is required"],
                "issues": ["must be between 1 and 4"],
                "terms": ["is required"],
            },
        })
    );
    // The server-only check runs once the rules pass.
    let (_, body) =
        send(&app, call("newsletter.validate", with(json!({ "email": "taken@example.com" })).to_string())).await;
    assert_eq!(body["result"]["fields"], json!({ "email": ["this address is already subscribed"] }));
    assert_eq!(SUBSCRIBED.load(Ordering::SeqCst), before, "validate never submits");
}

#[actix_web::test]
async fn submit_runs_on_submit_for_valid_values() {
    let app = app().await;
    let (status, body) = send(&app, call("newsletter.submit", valid().to_string())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "result": { "welcome": "Welcome, Ann!" } }));
}

#[actix_web::test]
async fn submit_refuses_each_invalid_field_with_its_message() {
    let app = app().await;
    let cases = [
        (json!({ "email": "not-an-email" }), "email", "enter a valid email address"),
        (json!({ "first_name": "" }), "first_name", "length must be between 1 and 40"),
        (json!({ "frequency": "daily" }), "frequency", "unknown value `daily`, expected `weekly` or `monthly`"),
        (json!({ "issues": 7 }), "issues", "must be between 1 and 4"),
        (json!({ "issues": "four" }), "issues", "invalid type: string \"four\", expected an integer between 0 and 255"),
        (json!({ "terms": null }), "terms", "is required"),
        (json!({ "email": "taken@example.com" }), "email", "this address is already subscribed"),
        (json!({ "terms": false }), "__all__", "accept the terms to subscribe"),
    ];
    for (change, field, message) in cases {
        let (status, body) = send(&app, call("newsletter.submit", with(change.clone()).to_string())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{change}: {body}");
        assert_error(&body, "VALIDATION");
        assert_eq!(body["error"]["fields"], json!({ field: [message] }), "{change}");
    }
}

#[actix_web::test]
async fn internal_failures_in_on_submit_stay_on_the_server() {
    let app = app().await;
    let (status, body) =
        send(&app, call("newsletter.submit", with(json!({ "first_name": "Crash" })).to_string())).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_error(&body, "INTERNAL");
    assert!(!body.to_string().contains("/srv/mail"), "{body}");
}

#[actix_web::test]
async fn malformed_requests_are_bad_requests() {
    let app = app().await;
    for payload in ["[1]", "\"text\"", "{", ""] {
        let (status, body) = send(&app, call("newsletter.submit", payload)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{payload}: {body}");
        assert_error(&body, "BAD_REQUEST");
    }
}

#[actix_web::test]
async fn submit_needs_the_csrf_token() {
    let app = app().await;
    let request = TestRequest::post()
        .uri("/api/mizan/call/newsletter.submit")
        .insert_header(("content-type", "application/json"))
        .insert_header(("cookie", format!("mizan_csrf={TOKEN}")))
        .set_payload(valid().to_string());
    let before = SUBSCRIBED.load(Ordering::SeqCst);
    let (status, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "FORBIDDEN");
    assert_eq!(SUBSCRIBED.load(Ordering::SeqCst), before);
}

#[actix_web::test]
async fn a_form_that_needs_auth_refuses_anonymous_users_and_serves_members() {
    let app = app().await;
    for function in ["feedback.schema", "feedback.validate", "feedback.submit"] {
        let (status, body) = send(&app, call(function, r#"{"text": "hi"}"#)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{function}: {body}");
        assert_error(&body, "UNAUTHENTICATED");
    }
    let request = call("feedback.submit", r#"{"text": "hi"}"#).insert_header(("x-test-user", "user"));
    let (status, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"], "user says hi");
}

#[actix_web::test]
async fn the_body_limit_applies_to_forms() {
    let app = app().await;
    let huge = with(json!({ "note": "x".repeat(2 * 1024 * 1024) }));
    let (status, body) = send(&app, call("newsletter.submit", huge.to_string())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}
