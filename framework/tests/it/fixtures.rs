//! The test app's server functions: one per behaviour under test.

use std::collections::BTreeMap;
use std::sync::Mutex;

use actix_web::HttpRequest;
use futures_util::future::LocalBoxFuture;
use mizan::{Ctx, Error, Mizan, User};
use schemars::JsonSchema;
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use validator::Validate;

/// The texts `record` was called with.
static RECORDED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Whether `record` ran with `text`.
pub(crate) fn recorded(text: &str) -> bool {
    RECORDED.lock().unwrap().iter().any(|recorded| recorded == text)
}

#[derive(Debug, Serialize, Deserialize, JsonSchema, Validate)]
pub(crate) struct Address {
    #[validate(length(min = 2, message = "city is too short"))]
    city: String,
    zip: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Shape {
    Circle { r: f64 },
    Square(f64),
    Empty,
}

/// Echoes structured arguments back.
#[mizan::client]
pub(crate) async fn complex(
    address: Address,
    shapes: Vec<Shape>,
    tags: BTreeMap<String, u32>,
    note: Option<String>,
) -> mizan::Result<serde_json::Value> {
    Ok(serde_json::json!({ "address": address, "shapes": shapes, "tags": tags, "note": note }))
}

#[mizan::client]
pub(crate) async fn ctx_in_the_middle(a: i32, ctx: &Ctx, b: i32) -> mizan::Result<String> {
    Ok(format!("{} {}", a + b, ctx.request().path()))
}

#[mizan::client]
pub(crate) async fn ctx_by_value(ctx: Ctx) -> mizan::Result<bool> {
    Ok(ctx.user().await?.is_none())
}

#[mizan::client]
pub(crate) async fn signup(
    #[validate(email)] email: String,
    #[validate(length(min = 8, message = "use at least 8 characters"))] password: String,
    #[validate(range(min = 13, max = 130))] age: u32,
) -> mizan::Result<String> {
    Ok(format!("{email} {} {age}", password.len()))
}

#[mizan::client]
pub(crate) async fn record(text: String) -> mizan::Result<()> {
    RECORDED.lock().unwrap().push(text);
    Ok(())
}

#[mizan::client(body_limit = 64)]
pub(crate) async fn tiny(text: String) -> mizan::Result<usize> {
    Ok(text.len())
}

#[mizan::client]
pub(crate) async fn boom() -> mizan::Result<()> {
    panic!("secret panic detail /home/app/src/lib.rs")
}

#[mizan::client]
pub(crate) async fn bad_sql(ctx: &Ctx) -> mizan::Result<()> {
    ctx.db()?.execute_unprepared("SELECT secret_column FROM no_such_table").await?;
    Ok(())
}

/// A function's own errors.
#[derive(Debug, Serialize, JsonSchema, mizan::ClientError)]
pub(crate) enum TransferError {
    /// Not enough money.
    #[client_error(status = 409)]
    InsufficientFunds {
        balance: i32,
    },
    NotFound,
}

#[mizan::client]
pub(crate) async fn transfer(amount: i32) -> Result<i32, TransferError> {
    match amount {
        0 => Err(TransferError::NotFound),
        a if a > 100 => Err(TransferError::InsufficientFunds { balance: 100 }),
        a => Ok(100 - a),
    }
}

/// The contexts `bump` invalidates (an app may only invalidate contexts it registers).
#[mizan::client(context = "global")]
pub(crate) async fn counter() -> mizan::Result<i32> {
    Ok(1)
}

#[mizan::client(context = "local")]
pub(crate) async fn greet(name: String) -> mizan::Result<String> {
    Ok(format!("Hello, {name}!"))
}

#[mizan::client(invalidates = ["counter", "greet"])]
pub(crate) async fn bump(ctx: &Ctx) -> mizan::Result<()> {
    ctx.invalidate("counter");
    ctx.invalidate(r#"greet?{"name":"Ann"}"#);
    Ok(())
}

#[mizan::client(name = "contact.submit")]
pub(crate) async fn submit_contact() -> mizan::Result<bool> {
    Ok(true)
}

#[mizan::client(auth = true)]
pub(crate) async fn for_users(ctx: &Ctx) -> mizan::Result<String> {
    Ok(ctx.user().await?.map(|user| user.username.clone()).unwrap_or_default())
}

#[mizan::client(auth = "staff")]
pub(crate) async fn for_staff() -> mizan::Result<bool> {
    Ok(true)
}

#[mizan::client(auth = "superuser")]
pub(crate) async fn for_superusers() -> mizan::Result<bool> {
    Ok(true)
}

/// Allows users with an even id.
pub(crate) async fn has_even_id(ctx: &Ctx) -> mizan::Result<bool> {
    Ok(ctx.user().await?.is_some_and(|user| user.id % 2 == 0))
}

pub(crate) async fn failing_predicate(_ctx: &Ctx) -> mizan::Result<bool> {
    Err(Error::internal(std::io::Error::other("the permission service is down")))
}

pub(crate) async fn panicking_predicate(_ctx: &Ctx) -> mizan::Result<bool> {
    panic!("predicate bug")
}

#[mizan::client(auth = has_even_id)]
pub(crate) async fn for_even_ids() -> mizan::Result<bool> {
    Ok(true)
}

#[mizan::client(auth = failing_predicate)]
pub(crate) async fn predicate_errors() -> mizan::Result<bool> {
    Ok(true)
}

#[mizan::client(auth = panicking_predicate)]
pub(crate) async fn predicate_panics() -> mizan::Result<bool> {
    Ok(true)
}

/// Broadcasts to a room's channel group.
#[mizan::client]
pub(crate) async fn announce(ctx: &Ctx, room: String, text: String) -> mizan::Result<()> {
    ctx.broadcast::<Announcements>(&RoomParams { room }, &Announcement { text }).await
}

/// A channel of announcements per room.
pub(crate) struct Announcements;

#[derive(Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub(crate) struct RoomParams {
    pub(crate) room: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub(crate) struct Announcement {
    pub(crate) text: String,
}

impl mizan::channels::Channel for Announcements {
    const NAME: &'static str = "announcements";
    type Params = RoomParams;
    type ServerMessage = Announcement;
    type ClientMessage = mizan::channels::NoMessages;

    fn group(params: &RoomParams) -> String {
        params.room.clone()
    }
}

/// The messages [`Recorder`] was handed, with their group keys.
pub(crate) static BROADCASTS: Mutex<Vec<(String, serde_json::Value)>> = Mutex::new(Vec::new());

/// A channel layer that records what it is asked to deliver.
#[derive(Default)]
pub(crate) struct Recorder(std::sync::Arc<mizan::channels::Hub>);

impl mizan::channels::ChannelLayer for Recorder {
    fn publish<'a>(&'a self, group: &'a str, data: std::sync::Arc<str>) -> mizan::channels::LayerFuture<'a> {
        BROADCASTS.lock().unwrap().push((group.to_owned(), serde_json::from_str(&data).unwrap()));
        Box::pin(async { Ok(()) })
    }

    fn is_available(&self) -> bool {
        true
    }

    fn hub(&self) -> &std::sync::Arc<mizan::channels::Hub> {
        &self.0
    }
}

#[mizan::client(context = "global")]
pub(crate) async fn now() -> mizan::Result<u32> {
    Ok(42)
}

/// Users picked by the `x-test-user` header.
pub(crate) struct HeaderUsers;

impl mizan::Authenticator for HeaderUsers {
    fn authenticate<'a>(&'a self, request: &'a HttpRequest) -> LocalBoxFuture<'a, Result<Option<User>, Error>> {
        let user = request.headers().get("x-test-user").and_then(|value| value.to_str().ok()).and_then(|kind| {
            let (id, is_active, is_staff, is_superuser) = match kind {
                "user" => (1, true, false, false),
                "staff" => (3, true, true, false),
                "superuser" => (5, true, false, true),
                "inactive" => (7, false, true, true),
                "even" => (8, true, false, false),
                _ => return None,
            };
            Some(User {
                id,
                username: kind.to_owned(),
                email: format!("{kind}@example.com"),
                is_active,
                is_staff,
                is_superuser,
            })
        });
        Box::pin(async move { Ok(user) })
    }
}

pub(crate) fn app() -> Mizan {
    Mizan::new().authenticator(HeaderUsers).functions(mizan::fns![
        complex,
        ctx_in_the_middle,
        ctx_by_value,
        signup,
        record,
        tiny,
        boom,
        bad_sql,
        transfer,
        bump,
        counter,
        greet,
        submit_contact,
        for_users,
        for_staff,
        for_superusers,
        for_even_ids,
        predicate_errors,
        predicate_panics,
        announce,
        now,
    ])
}
