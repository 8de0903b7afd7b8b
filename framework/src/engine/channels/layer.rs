//! How a broadcast reaches every process's subscribers: directly (one process) or through
//! Redis pub/sub (several processes).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::sync::mpsc;

use super::Hub;
use crate::{Error, ErrorCode};

/// A boxed future the channel layer returns; `Send`, so background tasks on any runtime can
/// broadcast.
pub type LayerFuture<'a> = Pin<Box<dyn Future<Output = crate::Result<()>> + Send + 'a>>;

/// Carries broadcasts to the subscribers of every process that shares the layer.
pub trait ChannelLayer: Send + Sync + 'static {
    /// Sends `data` (a serialized server message) to group `group` everywhere.
    fn publish<'a>(&'a self, group: &'a str, data: Arc<str>) -> LayerFuture<'a>;
    /// Whether broadcasts can be delivered now; subscriptions are refused while they cannot.
    fn is_available(&self) -> bool;
    /// This process's subscriptions, which the layer delivers to.
    fn hub(&self) -> &Arc<Hub>;
}

/// The default layer: broadcasts reach the subscribers of this process.
#[derive(Default, Clone)]
pub struct InProcessLayer {
    hub: Arc<Hub>,
}

impl InProcessLayer {
    /// A layer with no subscribers yet.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ChannelLayer for InProcessLayer {
    fn publish<'a>(&'a self, group: &'a str, data: Arc<str>) -> LayerFuture<'a> {
        self.hub.deliver(group, &data);
        Box::pin(std::future::ready(Ok(())))
    }

    fn is_available(&self) -> bool {
        true
    }

    fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }
}

/// Broadcasts through Redis pub/sub, so that every app process sharing the Redis server
/// reaches its own subscribers (selected by `REDIS_URL`).
///
/// Every Redis channel the layer uses starts with its prefix: processes with the same prefix
/// share broadcasts (and [`user_changed`](super::Channels::user_changed) notices), others
/// never see them, so several apps (or an app's staging and production) can share one Redis
/// server. The prefix is `mizan:<binary name>:` by default ([`RedisLayer::default_prefix`]);
/// the CLI takes `MIZAN_REDIS_PREFIX` instead when it is set. One prefix should not begin
/// another (`a:` and `a:b:`); ending prefixes with `:` and keeping `:` out of the rest
/// ensures it.
///
/// A background thread holds one subscriber connection (`PSUBSCRIBE <prefix>*`) and one
/// connection for publishing. While Redis is unreachable, broadcasts and new subscriptions
/// fail with `UNAVAILABLE` and HTTP keeps working; the thread reconnects by itself (backoff up
/// to 2 s) and delivery resumes. Messages published while Redis was away are lost, as with
/// Redis pub/sub itself.
#[derive(Clone)]
pub struct RedisLayer {
    hub: Arc<Hub>,
    prefix: Arc<str>,
    available: Arc<AtomicBool>,
    outgoing: mpsc::Sender<(String, Arc<str>)>,
}

impl RedisLayer {
    /// Starts the layer's thread for the Redis server at `url` (`redis://127.0.0.1:6379`),
    /// with the [default prefix](RedisLayer::default_prefix). Fails only for a malformed URL:
    /// an unreachable server is retried in the background.
    pub fn connect(url: &str) -> Result<Self, redis::RedisError> {
        Self::connect_with_prefix(url, &Self::default_prefix())
    }

    /// [`connect`](RedisLayer::connect) with the prefix of every Redis channel the layer uses
    /// (`"shop:"`): only layers with the same prefix reach each other.
    pub fn connect_with_prefix(url: &str, prefix: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let hub = Arc::new(Hub::default());
        let available = Arc::new(AtomicBool::new(false));
        let (outgoing, publish) = mpsc::channel(64 * 1024);
        let prefix: Arc<str> = Arc::from(prefix);
        let layer =
            Self { hub: Arc::clone(&hub), prefix: Arc::clone(&prefix), available: Arc::clone(&available), outgoing };
        // Named in the log lines of the layer's thread; never with its password.
        let address = crate::redact_url(url);
        std::thread::Builder::new()
            .name("mizan-redis".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                match runtime {
                    Ok(runtime) => runtime.block_on(run(client, address, prefix, hub, available, publish)),
                    Err(error) => tracing::error!(%error, "cannot start the Redis channel layer's runtime"),
                }
            })
            .map_err(|error| redis::RedisError::from(std::io::Error::other(error)))?;
        Ok(layer)
    }

    /// The prefix of the layer's Redis channels.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The default prefix: `mizan:<name>:`, where the name is the file name of the running
    /// executable without extension (the app's binary, usually its package name), with
    /// characters other than letters, digits, `-`, `_` and `.` replaced by `_`. Every process
    /// of an app runs the same binary, so they share it; two apps have two. Deployments that
    /// rename the binary between versions, or run two copies of one app on one Redis server,
    /// set the prefix themselves (`MIZAN_REDIS_PREFIX`).
    pub fn default_prefix() -> String {
        let exe = std::env::current_exe().ok();
        let name = exe.as_deref().and_then(std::path::Path::file_stem).and_then(std::ffi::OsStr::to_str);
        prefix_for(name.unwrap_or_default())
    }
}

/// `mizan:<name>:` with `name` made safe (see [`RedisLayer::default_prefix`]).
fn prefix_for(name: &str) -> String {
    // Linux names a binary replaced on disk `<name> (deleted)`.
    let name = name.trim_end_matches(" (deleted)");
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    let name = if name.is_empty() { "app" } else { name.as_str() };
    format!("mizan:{name}:")
}

/// The `PSUBSCRIBE` pattern of every channel beginning with `prefix`: the glob characters of
/// the prefix are escaped.
fn pattern(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 2);
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\' | '^') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('*');
    pattern
}

impl ChannelLayer for RedisLayer {
    fn publish<'a>(&'a self, group: &'a str, data: Arc<str>) -> LayerFuture<'a> {
        Box::pin(async move {
            if !self.is_available() {
                return Err(unavailable());
            }
            self.outgoing.send((group.to_owned(), data)).await.map_err(|_| unavailable())
        })
    }

    fn is_available(&self) -> bool {
        self.available.load(Ordering::Acquire)
    }

    fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }
}

fn unavailable() -> Error {
    Error::new(ErrorCode::Unavailable, "the channel layer (Redis) is unavailable; try again shortly")
}

/// Connects, relays until the connection drops, and starts again.
async fn run(
    client: redis::Client,
    address: String,
    prefix: Arc<str>,
    hub: Arc<Hub>,
    available: Arc<AtomicBool>,
    mut publish: mpsc::Receiver<(String, Arc<str>)>,
) {
    let mut delay = Duration::from_millis(100);
    let mut reported = false;
    loop {
        match relay(&client, &prefix, &hub, &available, &mut publish).await {
            Ok(()) => {
                tracing::warn!(redis = %address, "lost the connection to Redis; channel operations are unavailable until it returns");
                delay = Duration::from_millis(100);
                reported = false;
            }
            Err(error) if !reported => {
                tracing::warn!(redis = %address, %error, "cannot reach Redis; retrying in the background");
                reported = true;
            }
            Err(_) => {}
        }
        available.store(false, Ordering::Release);
        // What was queued while the connection failed is not delivered.
        while publish.try_recv().is_ok() {}
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

/// One connected period: `Ok` when the connection dropped, `Err` when it could not be made.
async fn relay(
    client: &redis::Client,
    prefix: &str,
    hub: &Hub,
    available: &AtomicBool,
    publish: &mut mpsc::Receiver<(String, Arc<str>)>,
) -> redis::RedisResult<()> {
    let mut subscriber = client.get_async_pubsub().await?;
    subscriber.psubscribe(pattern(prefix)).await?;
    let mut publisher = client.get_multiplexed_async_connection().await?;
    let mut messages = subscriber.on_message();
    available.store(true, Ordering::Release);
    tracing::info!(prefix, "channel layer connected to Redis");
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else { return Ok(()) };
                let Some(group) = message.get_channel_name().strip_prefix(prefix).map(str::to_owned) else { continue };
                match message.get_payload::<String>() {
                    Ok(payload) => hub.deliver(&group, &Arc::from(payload)),
                    Err(error) => tracing::warn!(%error, "ignoring a malformed message from Redis"),
                }
            }
            outgoing = publish.recv() => {
                let Some((group, data)) = outgoing else { return Ok(()) };
                let published: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                    .arg(format!("{prefix}{group}"))
                    .arg(&*data)
                    .query_async(&mut publisher)
                    .await;
                if let Err(error) = published {
                    tracing::warn!(%error, "publishing to Redis failed");
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_prefix_is_the_binary_name_made_safe() {
        assert_eq!(prefix_for("shop"), "mizan:shop:");
        assert_eq!(prefix_for("my-app_2.1"), "mizan:my-app_2.1:");
        assert_eq!(prefix_for("odd name:*"), "mizan:odd_name__:", "no `:` or glob characters from the name");
        assert_eq!(prefix_for("shop (deleted)"), "mizan:shop:");
        assert_eq!(prefix_for(""), "mizan:app:");
        let default = RedisLayer::default_prefix();
        assert!(
            default.starts_with("mizan:") && default.ends_with(':') && default.len() > "mizan::".len(),
            "{default}"
        );
    }

    #[test]
    fn patterns_match_only_the_prefix_literally() {
        assert_eq!(pattern("mizan:shop:"), "mizan:shop:*");
        assert_eq!(pattern("a*b?[c]\\"), "a\\*b\\?\\[c\\]\\\\*");
    }
}
