//! Channel fan-out benchmark: one group, N WebSocket subscribers on loopback, M broadcasts;
//! delivered messages per second and loss, with the in-process layer and with Redis.
//!
//! `cargo run --release --example channel_fanout -- [SUBSCRIBERS] [MESSAGES] [REDIS_URL]`
//! (`make bench` runs it). The publisher keeps at most a window of messages ahead of the
//! slowest subscriber, as consumers that keep up would see; every subscriber must receive
//! every message, in order.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use mizan::channels::{Channel, ChannelSettings, NoMessages};
use tokio_tungstenite::tungstenite::Message;

struct Fanout;

#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, validator::Validate)]
struct Params {
    group: String,
}

#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
struct Tick {
    n: u64,
}

impl Channel for Fanout {
    const NAME: &'static str = "fanout";
    type Params = Params;
    type ServerMessage = Tick;
    type ClientMessage = NoMessages;

    fn group(params: &Params) -> String {
        params.group.clone()
    }
}

/// Messages the publisher may be ahead of the slowest subscriber.
const WINDOW: u64 = 256;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    let subscribers: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(100);
    let messages: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(5_000);
    let redis = args.get(2).cloned();
    let label = if redis.is_some() { "redis" } else { "in-process" };
    let system = actix_web::rt::System::new();
    let result = system.block_on(run(subscribers, messages, redis));
    match result {
        Ok((elapsed, delivered, expected)) => {
            let rate = delivered as f64 / elapsed.as_secs_f64();
            let lost = expected - delivered;
            println!(
                "{label}: {subscribers} subscribers x {messages} messages: {delivered} delivered in {:.2} s = {rate:.0} deliveries/s, lost {lost}",
                elapsed.as_secs_f64()
            );
        }
        Err(error) => {
            eprintln!("{label}: failed: {error}");
            std::process::exit(1);
        }
    }
}

async fn run(subscribers: usize, messages: u64, redis: Option<String>) -> anyhow::Result<(Duration, u64, u64)> {
    let settings = ChannelSettings { send_queue: 4 * WINDOW as usize, ..ChannelSettings::default() };
    let mut mizan = mizan::Mizan::new().channels(mizan::channels![Fanout]).channel_settings(settings);
    if let Some(url) = &redis {
        mizan = mizan.channel_layer(mizan::channels::RedisLayer::connect(url)?);
    }
    let app = mizan.build()?;
    let channels = app.channels().expect("the app has channels");
    let server = actix_web::HttpServer::new(move || {
        let app = app.clone();
        actix_web::App::new().configure(move |cfg| app.configure(cfg))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))?;
    let address = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !channels.is_available() {
        anyhow::ensure!(Instant::now() < deadline, "the channel layer did not become available");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }

    // The subscribers run on their own thread and runtime, as separate clients would.
    let received: Arc<Vec<AtomicU64>> = Arc::new((0..subscribers).map(|_| AtomicU64::new(0)).collect());
    let ready = Arc::new(AtomicU64::new(0));
    let url = format!("ws://{address}/api/mizan/ws");
    {
        let (received, ready) = (Arc::clone(&received), Arc::clone(&ready));
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async move {
                let mut tasks = Vec::new();
                for index in 0..subscribers {
                    let (received, ready, url) = (Arc::clone(&received), Arc::clone(&ready), url.clone());
                    tasks.push(tokio::spawn(subscriber(index, url, received, ready, messages)));
                }
                for task in tasks {
                    let _ = task.await;
                }
            });
        });
    }
    while ready.load(Ordering::Acquire) < subscribers as u64 {
        anyhow::ensure!(Instant::now() < deadline, "only {} subscribers joined", ready.load(Ordering::Acquire));
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }

    let slowest =
        |received: &Vec<AtomicU64>| received.iter().map(|count| count.load(Ordering::Acquire)).min().unwrap_or(0);
    let params = Params { group: "all".into() };
    let started = Instant::now();
    let mut n = 0;
    while n < messages {
        // Fill the window, then sleep until the slowest subscriber has read half of it (no
        // busy waiting: the publisher would take the CPU the subscribers need).
        let window_end = (slowest(&received) + WINDOW).min(messages);
        while n < window_end {
            channels.broadcast::<Fanout>(&params, &Tick { n }).await.map_err(|error| anyhow::anyhow!("{error}"))?;
            n += 1;
        }
        while n < messages && slowest(&received) + WINDOW / 2 < n {
            actix_web::rt::time::sleep(Duration::from_micros(200)).await;
            if started.elapsed() > Duration::from_secs(120) {
                anyhow::bail!("subscribers stopped receiving at {}", slowest(&received));
            }
        }
    }
    let limit = Instant::now() + Duration::from_secs(30);
    while slowest(&received) < messages && Instant::now() < limit {
        actix_web::rt::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = started.elapsed();
    let delivered: u64 = received.iter().map(|count| count.load(Ordering::Acquire)).sum();
    Ok((elapsed, delivered, messages * subscribers as u64))
}

/// One client: subscribes, then counts messages, checking they arrive in order.
async fn subscriber(index: usize, url: String, received: Arc<Vec<AtomicU64>>, ready: Arc<AtomicU64>, messages: u64) {
    let Ok((mut socket, _)) = tokio_tungstenite::connect_async(url).await else {
        eprintln!("subscriber {index} could not connect");
        return;
    };
    let subscribe = r#"{"type":"subscribe","id":1,"channel":"fanout","params":{"group":"all"}}"#;
    if socket.send(Message::text(subscribe)).await.is_err() {
        return;
    }
    let mut next = 0u64;
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else { continue };
        if text.contains(r#""type":"subscribed""#) {
            ready.fetch_add(1, Ordering::AcqRel);
            continue;
        }
        // {"type":"message","id":1,"data":{"n":123}}
        let n = text.rsplit_once(r#""n":"#).and_then(|(_, rest)| rest.trim_end_matches('}').parse::<u64>().ok());
        if n != Some(next) {
            eprintln!("subscriber {index}: expected message {next}, got {text}");
            return;
        }
        next += 1;
        received[index].store(next, Ordering::Release);
        if next == messages {
            return;
        }
    }
}
