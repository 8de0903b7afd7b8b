//! Rate limits: how many attempts one key (an account, an address, a pair of both) may make
//! within a window.
//!
//! Every attempt is counted *before* the work it guards (a password hash, a lookup), with one
//! atomic increment, so a burst of parallel requests cannot all slip under the limit. Counts
//! live in this process ([`Throttle::in_memory`], bounded in size) or in Redis
//! ([`Throttle::redis`]), where every replica of the app shares them; the CLI picks Redis when
//! `REDIS_URL` is set.
//!
//! The built-in account functions use it with [`AccountLimits`]; an app's own functions call
//! [`Ctx::rate_limit`](crate::Ctx::rate_limit).

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::sessions::Clock;
use crate::{Error, ErrorCode};

/// At most `max` attempts per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Attempts allowed within the window.
    pub max: u32,
    /// The window, counted from the first attempt.
    pub window: Duration,
}

impl RateLimit {
    /// `max` attempts per `window`.
    pub const fn new(max: u32, window: Duration) -> Self {
        Self { max, window }
    }
}

/// The limits of the built-in account functions ([`Mizan::account_limits`](crate::Mizan::account_limits)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountLimits {
    /// Failed logins for one username from one client address (default 5 per 15 minutes).
    pub login_per_address: RateLimit,
    /// Failed logins for one username from all addresses together (default 50 per 15
    /// minutes): bounds a guess spread over many addresses. It is higher than the per-address
    /// limit so that one address cannot lock the owner out quickly.
    pub login_per_account: RateLimit,
    /// Sign-up attempts from one client address (default 20 per hour), `auth.signup` and
    /// [`sign_up`](crate::auth::sign_up) alike.
    pub signup_per_address: RateLimit,
}

impl Default for AccountLimits {
    fn default() -> Self {
        Self {
            login_per_address: RateLimit::new(5, Duration::from_secs(15 * 60)),
            login_per_account: RateLimit::new(50, Duration::from_secs(15 * 60)),
            signup_per_address: RateLimit::new(20, Duration::from_secs(60 * 60)),
        }
    }
}

/// Attempt counts, in this process or in Redis.
pub struct Throttle {
    store: Store,
}

enum Store {
    Memory(Memory),
    Redis(RedisCounts),
}

impl Throttle {
    /// Counts kept in this process: at most [`Throttle::MEMORY_CAPACITY`] keys; past that the
    /// oldest key is forgotten first. `clock` tells the time (tests move it).
    pub fn in_memory(clock: Clock) -> Self {
        Self { store: Store::Memory(Memory::new(clock, Self::MEMORY_CAPACITY)) }
    }

    /// Counts kept in Redis at `url` under keys starting with `prefix` (e.g. `myapp:`), shared
    /// by every process using the same Redis and prefix. While Redis cannot be reached,
    /// attempts are refused with `UNAVAILABLE` rather than let through uncounted.
    pub fn redis(url: &str, prefix: &str) -> Result<Self, Error> {
        let client = redis::Client::open(url).map_err(|error| {
            Error::internal(std::io::Error::other(format!("invalid Redis URL for rate limits: {:?}", error.kind())))
        })?;
        let id = NEXT_STORE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Self { store: Store::Redis(RedisCounts { id, client, prefix: format!("{prefix}throttle:") }) })
    }

    /// Keys the in-memory store keeps at most.
    pub const MEMORY_CAPACITY: usize = 65_536;

    /// Counts one attempt for `key`. Fails with `RATE_LIMITED` when `limit.max` attempts were
    /// already counted within the window (the refused attempt is not counted).
    pub async fn attempt(&self, key: &str, limit: RateLimit) -> Result<(), Error> {
        let count = match &self.store {
            Store::Memory(memory) => memory.hit(key, limit.window),
            Store::Redis(redis) => redis.hit(key, limit.window).await?,
        };
        if count > u64::from(limit.max) {
            self.refund(key).await;
            return Err(Error::new(ErrorCode::RateLimited, "too many attempts; try again later"));
        }
        Ok(())
    }

    /// Takes back one attempt of `key` (it turned out not to count, e.g. a successful login
    /// against a per-account limit of failures).
    pub async fn refund(&self, key: &str) {
        match &self.store {
            Store::Memory(memory) => memory.refund(key),
            Store::Redis(redis) => {
                if let Err(error) = redis.refund(key).await {
                    tracing::warn!(error = ?error.kind(), "could not refund a rate-limit attempt in Redis");
                }
            }
        }
    }

    /// Forgets every attempt of `key`.
    pub async fn reset(&self, key: &str) {
        match &self.store {
            Store::Memory(memory) => memory.reset(key),
            Store::Redis(redis) => {
                if let Err(error) = redis.reset(key).await {
                    tracing::warn!(error = ?error.kind(), "could not reset a rate-limit key in Redis");
                }
            }
        }
    }
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let store = match self.store {
            Store::Memory(_) => "memory",
            Store::Redis(_) => "redis",
        };
        f.debug_struct("Throttle").field("store", &store).finish()
    }
}

/// In-process counts: shards, each a map with its keys in insertion order, so old entries are
/// dropped from the front without scanning and no lock covers every key.
struct Memory {
    clock: Clock,
    shards: Vec<Mutex<Shard>>,
    shard_capacity: usize,
}

#[derive(Default)]
struct Shard {
    /// Count and end of the window, per key.
    counts: HashMap<String, (u64, DateTime<Utc>)>,
    /// Keys by the start of their window, oldest first (a key whose window restarted also has
    /// a stale record, skipped when it reaches the front).
    order: VecDeque<(String, DateTime<Utc>)>,
}

const SHARDS: usize = 16;

impl Memory {
    fn new(clock: Clock, capacity: usize) -> Self {
        let shards = (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect();
        Self { clock, shards, shard_capacity: capacity.div_ceil(SHARDS).max(1) }
    }

    fn shard(&self, key: &str) -> std::sync::MutexGuard<'_, Shard> {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let shard = &self.shards[(hasher.finish() % SHARDS as u64) as usize];
        shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn hit(&self, key: &str, window: Duration) -> u64 {
        let now = (self.clock)();
        let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
        let mut shard = self.shard(key);
        shard.prune(now, self.shard_capacity);
        if let Some((count, until)) = shard.counts.get_mut(key) {
            if now < *until {
                *count += 1;
                return *count;
            }
        }
        let until = now.checked_add_signed(window).unwrap_or(DateTime::<Utc>::MAX_UTC);
        shard.counts.insert(key.to_owned(), (1, until));
        shard.order.push_back((key.to_owned(), until));
        1
    }

    fn refund(&self, key: &str) {
        if let Some((count, _)) = self.shard(key).counts.get_mut(key) {
            *count = count.saturating_sub(1);
        }
    }

    fn reset(&self, key: &str) {
        self.shard(key).counts.remove(key);
    }
}

impl Shard {
    /// Drops expired keys from the front, then the oldest keys while the shard is full.
    fn prune(&mut self, now: DateTime<Utc>, capacity: usize) {
        while let Some((key, until)) = self.order.front() {
            let current = self.counts.get(key).map(|(_, current)| current);
            let stale = current != Some(until);
            let expired = *until <= now;
            let full = self.counts.len() >= capacity || self.order.len() >= capacity * 2;
            if !(stale || expired || full) {
                break;
            }
            let (key, _) = self.order.pop_front().expect("the front exists");
            if !stale {
                if !expired {
                    tracing::warn!("rate-limit memory is full; forgetting the oldest key");
                }
                self.counts.remove(&key);
            }
        }
    }
}

/// Counts in Redis: `INCR` and the expiry in one script, so the window starts atomically with
/// the first attempt.
struct RedisCounts {
    /// Tells this store's connections apart from other stores' in [`CONNECTIONS`].
    id: u64,
    client: redis::Client,
    prefix: String,
}

static NEXT_STORE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

const HIT: &str = "local n = redis.call('INCR', KEYS[1]) \
    if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";
const REFUND: &str = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0";

/// How long a rate-limit check waits for Redis before the attempt is refused.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

thread_local! {
    /// One multiplexed connection per Redis server and thread (each actix worker drives its
    /// own, so a busy worker never stalls another's checks).
    static CONNECTIONS: RefCell<HashMap<u64, redis::aio::MultiplexedConnection>> =
        RefCell::new(HashMap::new());
}

impl RedisCounts {
    async fn run<T: redis::FromRedisValue>(&self, command: redis::Cmd) -> redis::RedisResult<T> {
        let id = self.id;
        let cached = CONNECTIONS.with(|connections| connections.borrow().get(&id).cloned());
        let mut connection = match cached {
            Some(connection) => connection,
            None => {
                let connection = self.client.get_multiplexed_async_connection().await?;
                CONNECTIONS.with(|connections| connections.borrow_mut().insert(id, connection.clone()));
                connection
            }
        };
        let result = command.query_async(&mut connection).await;
        if result.as_ref().is_err_and(|error| error.is_io_error() || error.is_connection_dropped()) {
            CONNECTIONS.with(|connections| connections.borrow_mut().remove(&id));
        }
        result
    }

    async fn timed<T: redis::FromRedisValue>(&self, command: redis::Cmd) -> redis::RedisResult<T> {
        match tokio::time::timeout(REDIS_TIMEOUT, self.run(command)).await {
            Ok(result) => result,
            Err(_) => {
                Err(redis::RedisError::from(std::io::Error::new(std::io::ErrorKind::TimedOut, "Redis timed out")))
            }
        }
    }

    async fn hit(&self, key: &str, window: Duration) -> Result<u64, Error> {
        let mut command = redis::cmd("EVAL");
        let millis = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        command.arg(HIT).arg(1).arg(format!("{}{key}", self.prefix)).arg(millis);
        self.timed(command).await.map_err(|error| {
            tracing::warn!(error = ?error.kind(), "rate limits are unavailable: Redis failed");
            Error::new(ErrorCode::Unavailable, "rate limits are unavailable; try again shortly")
        })
    }

    async fn refund(&self, key: &str) -> redis::RedisResult<()> {
        let mut command = redis::cmd("EVAL");
        command.arg(REFUND).arg(1).arg(format!("{}{key}", self.prefix));
        self.timed::<i64>(command).await.map(|_| ())
    }

    async fn reset(&self, key: &str) -> redis::RedisResult<()> {
        let mut command = redis::cmd("DEL");
        command.arg(format!("{}{key}", self.prefix));
        self.timed::<i64>(command).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;

    use super::*;

    fn clock() -> (Arc<AtomicI64>, Clock) {
        let minutes = Arc::new(AtomicI64::new(0));
        let start = Utc::now();
        let read = Arc::clone(&minutes);
        (minutes, Arc::new(move || start + chrono::Duration::minutes(read.load(Ordering::SeqCst))))
    }

    const FIVE_PER_15_MIN: RateLimit = RateLimit::new(5, Duration::from_secs(15 * 60));

    #[actix_web::test]
    async fn a_key_gets_max_attempts_per_window_and_others_are_not_affected() {
        let (minutes, clock) = clock();
        let throttle = Throttle::in_memory(clock);
        for _ in 0..5 {
            throttle.attempt("ann", FIVE_PER_15_MIN).await.unwrap();
        }
        let refused = throttle.attempt("ann", FIVE_PER_15_MIN).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::RateLimited);
        throttle.attempt("bo", FIVE_PER_15_MIN).await.expect("another key has its own count");
        throttle.refund("ann").await;
        throttle.attempt("ann", FIVE_PER_15_MIN).await.expect("a refunded attempt frees a place");
        assert!(throttle.attempt("ann", FIVE_PER_15_MIN).await.is_err());
        minutes.store(16, Ordering::SeqCst);
        throttle.attempt("ann", FIVE_PER_15_MIN).await.expect("the window ended");
        throttle.reset("ann").await;
        for _ in 0..5 {
            throttle.attempt("ann", FIVE_PER_15_MIN).await.expect("a reset key starts from zero");
        }
    }

    #[test]
    fn memory_is_bounded_and_drops_the_oldest_keys_first() {
        let (_, clock) = clock();
        let memory = Memory::new(clock, 64);
        for n in 0..10_000 {
            memory.hit(&format!("key {n}"), Duration::from_secs(3600));
        }
        let kept: usize = memory.shards.iter().map(|shard| shard.lock().unwrap().counts.len()).sum();
        let records: usize = memory.shards.iter().map(|shard| shard.lock().unwrap().order.len()).sum();
        assert!(kept <= 64 + SHARDS, "{kept} keys kept");
        assert!(records <= 2 * (64 + SHARDS), "{records} order records kept");
        assert_eq!(memory.hit("key 9999", Duration::from_secs(3600)), 2, "the newest key is still counted");
        assert_eq!(memory.hit("key 0", Duration::from_secs(3600)), 1, "the oldest key was forgotten");
    }

    #[test]
    fn expired_keys_are_dropped_when_their_shard_is_next_used() {
        let (minutes, clock) = clock();
        let memory = Memory::new(clock, 1024);
        for n in 0..500 {
            memory.hit(&format!("key {n}"), Duration::from_secs(60));
        }
        minutes.store(2, Ordering::SeqCst);
        for n in 0..SHARDS * 32 {
            memory.hit(&format!("fresh {n}"), Duration::from_secs(60));
        }
        let stale: usize = memory
            .shards
            .iter()
            .map(|shard| shard.lock().unwrap().counts.keys().filter(|key| key.starts_with("key ")).count())
            .sum();
        assert_eq!(stale, 0, "expired keys are gone");
    }
}
