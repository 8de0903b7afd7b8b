//! Login throttling: after [`LoginThrottle::MAX_FAILURES`] failed logins for one username from
//! one address within the window, further attempts for that pair are refused with
//! `RATE_LIMITED` until the window has passed. Other usernames and other addresses are not
//! affected, so an attacker cannot lock anyone out from elsewhere.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use super::sessions::Clock;
use crate::{Error, ErrorCode};

/// Failed-login counts per (username, address).
pub struct LoginThrottle {
    window: Duration,
    clock: Clock,
    failures: Mutex<HashMap<(String, Option<IpAddr>), (u32, DateTime<Utc>)>>,
}

impl LoginThrottle {
    /// Failures allowed within the window.
    pub const MAX_FAILURES: u32 = 5;
    /// Entries kept before old ones are pruned.
    const PRUNE_ABOVE: usize = 10_000;

    /// A throttle with a window of `window`.
    pub fn new(window: Duration, clock: Clock) -> Self {
        Self { window, clock, failures: Mutex::new(HashMap::new()) }
    }

    fn key(username: &str, addr: Option<IpAddr>) -> (String, Option<IpAddr>) {
        (username.to_lowercase(), addr)
    }

    /// Refuses the attempt when the pair has failed too often recently.
    pub fn check(&self, username: &str, addr: Option<IpAddr>) -> Result<(), Error> {
        let now = (self.clock)();
        let failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match failures.get(&Self::key(username, addr)) {
            Some((count, since)) if *count >= Self::MAX_FAILURES && now - *since < self.window => {
                Err(Error::new(ErrorCode::RateLimited, "too many failed logins; try again later"))
            }
            _ => Ok(()),
        }
    }

    /// Records a failed attempt.
    pub fn failed(&self, username: &str, addr: Option<IpAddr>) {
        let now = (self.clock)();
        let window = self.window;
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() > Self::PRUNE_ABOVE {
            failures.retain(|_, (_, since)| now - *since < window);
        }
        let entry = failures.entry(Self::key(username, addr)).or_insert((0, now));
        if now - entry.1 >= window {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    /// Forgets the pair's failures after a successful login.
    pub fn succeeded(&self, username: &str, addr: Option<IpAddr>) {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&Self::key(username, addr));
    }
}

impl std::fmt::Debug for LoginThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginThrottle").field("window", &self.window).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;

    use super::*;

    #[test]
    fn failures_lock_only_the_pair_and_only_for_the_window() {
        let minutes = Arc::new(AtomicI64::new(0));
        let clock_minutes = Arc::clone(&minutes);
        let start = Utc::now();
        let throttle = LoginThrottle::new(
            Duration::minutes(15),
            Arc::new(move || start + Duration::minutes(clock_minutes.load(Ordering::SeqCst))),
        );
        let here = Some(IpAddr::from([10, 0, 0, 1]));
        let there = Some(IpAddr::from([10, 0, 0, 2]));
        for _ in 0..LoginThrottle::MAX_FAILURES {
            assert!(throttle.check("Ann", here).is_ok());
            throttle.failed("Ann", here);
        }
        assert_eq!(throttle.check("ann", here).unwrap_err().code(), ErrorCode::RateLimited);
        assert!(throttle.check("ann", there).is_ok(), "another address is not locked out");
        assert!(throttle.check("bo", here).is_ok(), "another user is not locked out");
        minutes.store(16, Ordering::SeqCst);
        assert!(throttle.check("ann", here).is_ok(), "the lock ends with the window");
        throttle.failed("ann", here);
        assert!(throttle.check("ann", here).is_ok(), "a new window starts counting from zero");
        throttle.succeeded("ann", here);
    }
}
