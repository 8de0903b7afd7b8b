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
pub async fn echo(text: String) -> mizan::Result<EchoReply> {
    Ok(EchoReply { message: text })
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
