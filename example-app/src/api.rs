//! The example app's server functions.

use schemars::JsonSchema;
use serde::Serialize;

/// What `echo` answers.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EchoReply {
    /// The text that was sent.
    pub message: String,
}

/// Echoes the text back.
#[mizan::client]
pub async fn echo(
    #[validate(length(max = 1000, message = "keep it under 1000 characters"))] text: String,
) -> mizan::Result<EchoReply> {
    Ok(EchoReply { message: text })
}

/// What staff see in `staff_report`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StaffReport {
    /// Who asked.
    pub requested_by: String,
    /// When the report was made (ISO 8601, UTC).
    pub generated_at: String,
}

/// A report only staff may read.
#[mizan::client(auth = "staff")]
pub async fn staff_report(ctx: &mizan::Ctx) -> mizan::Result<StaffReport> {
    let requested_by = ctx.user().await?.map(|user| user.username.clone()).unwrap_or_default();
    let generated_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(StaffReport { requested_by, generated_at })
}

/// The server's clock when the page (or the context bundle) was produced.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ServerTime {
    /// Milliseconds since the Unix epoch.
    pub unix_ms: f64,
    /// The same instant as an ISO 8601 string (UTC).
    pub iso: String,
}

/// The server's current time: a global context, embedded in every server-rendered page.
#[mizan::client(context = "global")]
pub async fn server_time() -> mizan::Result<ServerTime> {
    let now = chrono::Utc::now();
    Ok(ServerTime {
        unix_ms: now.timestamp_millis() as f64,
        iso: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    })
}

/// The shared click counter, stored in the database: a global context, so every page carries it.
#[mizan::client(context = "global")]
pub async fn counter(ctx: &mizan::Ctx) -> mizan::Result<i32> {
    Ok(crate::counter::value(ctx.db()?, "clicks").await?)
}

/// Adds `by` to the counter. Everyone sees the counter: every open page refetches it, the
/// caller's because of `invalidates`, the others' because it is pushed to them.
#[mizan::client(invalidates = ["counter"])]
pub async fn increment(
    ctx: &mizan::Ctx,
    #[validate(range(min = 1, max = 100, message = "add 1 to 100 at a time"))] by: i32,
) -> mizan::Result<i32> {
    let value = crate::counter::increment(ctx.db()?, "clicks", by).await?;
    ctx.invalidate_for_all("counter");
    Ok(value)
}

/// A greeting for one person, with how often visitors waved at them.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Greeting {
    /// "Hello, <name>!"
    pub greeting: String,
    /// Waves so far (see `wave`).
    pub waves: i32,
}

/// Greets `name`: a local context, so pages use it through `<GreetProvider name="...">`.
#[mizan::client(context = "local")]
pub async fn greet(
    ctx: &mizan::Ctx,
    #[validate(length(min = 1, max = 40, message = "a name has 1 to 40 characters"))] name: String,
) -> mizan::Result<Greeting> {
    let waves = crate::counter::value(ctx.db()?, &wave_counter(&name)).await?;
    Ok(Greeting { greeting: format!("Hello, {name}!"), waves })
}

/// Waves at `name`. Only that person's greeting changes, so the call invalidates that one
/// instance of `greet` (`greet?{"name":"..."}`), not every greeting on the page.
#[mizan::client]
pub async fn wave(
    ctx: &mizan::Ctx,
    #[validate(length(min = 1, max = 40, message = "a name has 1 to 40 characters"))] name: String,
) -> mizan::Result<i32> {
    let waves = crate::counter::increment(ctx.db()?, &wave_counter(&name), 1).await?;
    ctx.invalidate(mizan::context_key("greet", &serde_json::json!({ "name": name }))?);
    Ok(waves)
}

fn wave_counter(name: &str) -> String {
    format!("waves:{name}")
}
