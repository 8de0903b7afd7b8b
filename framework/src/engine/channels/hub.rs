//! The process's subscriptions by group, delivery into each connection's bounded queue, and
//! the sockets of each logged-in user (woken when that user's sessions or permissions change).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Deserialize;
use tokio::sync::{mpsc, Notify};

/// One message for one subscription of a connection.
pub(crate) struct Outgoing {
    /// The subscription's key in the connection (not the client's id, which it may reuse).
    pub(crate) subscription: u64,
    pub(crate) data: Arc<str>,
}

/// A connection's send queue, and the signal that it overflowed.
#[derive(Clone)]
pub(crate) struct Outbox {
    pub(crate) queue: mpsc::Sender<Outgoing>,
    pub(crate) overflow: Arc<Overflow>,
}

/// Raised when a message could not be queued for a connection: the connection must close
/// rather than go on with a gap in its messages.
#[derive(Default)]
pub(crate) struct Overflow {
    happened: AtomicBool,
    wake: Notify,
}

impl Overflow {
    pub(crate) fn raise(&self) {
        self.happened.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Whether a message was dropped (checked before each message goes out).
    pub(crate) fn happened(&self) -> bool {
        self.happened.load(Ordering::Acquire)
    }

    /// Resolves once a message was dropped.
    pub(crate) async fn wait(&self) {
        while !self.happened() {
            self.wake.notified().await;
        }
    }
}

struct Member {
    connection: u64,
    subscription: u64,
    outbox: Outbox,
}

/// The reserved group of "this user changed" notices between processes. Every group of an
/// app's channel has a `\u{1f}` in its key ([`group_key`](super::group_key)); this name has
/// none, so no app group can be it.
pub(crate) const USER_CHANGED: &str = "mizan.user-changed";

/// The reserved group of pushed invalidations ([`Channels::invalidate_for_all`]
/// (super::Channels::invalidate_for_all)): JSON `{"user": <id> | null, "keys": [...],
/// "except": "<socket>" | null}`. Like [`USER_CHANGED`], it cannot be an app's group.
pub(crate) const INVALIDATE: &str = "mizan.invalidate";

/// The subscription key of whole frames (pushed invalidations), sent to the client as they are.
pub(crate) const FRAME: u64 = u64::MAX;

/// An open socket: its user and its send queue, for pushed invalidations.
struct Socket {
    user: Option<i32>,
    outbox: Outbox,
}

/// A pushed invalidation as it travels between processes.
#[derive(Deserialize)]
struct Push {
    user: Option<i32>,
    keys: Vec<String>,
    except: Option<String>,
}

/// A logged-in socket, woken to re-check its user.
struct Watcher {
    connection: u64,
    recheck: Arc<Notify>,
}

/// Subscriptions of this process, by group key, and its logged-in sockets, by user id.
pub struct Hub {
    groups: Mutex<HashMap<String, Vec<Member>>>,
    users: Mutex<HashMap<i32, Vec<Watcher>>>,
    sockets: Mutex<HashMap<u64, Socket>>,
    /// Tells this hub's own notices apart when the layer delivers them back to it.
    origin: String,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            groups: Mutex::default(),
            users: Mutex::default(),
            sockets: Mutex::default(),
            origin: uuid::Uuid::new_v4().simple().to_string(),
        }
    }
}

impl Hub {
    pub(crate) fn join(&self, group: &str, connection: u64, subscription: u64, outbox: Outbox) {
        let mut groups = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
        groups.entry(group.to_owned()).or_default().push(Member { connection, subscription, outbox });
    }

    pub(crate) fn leave(&self, group: &str, connection: u64, subscription: u64) {
        let mut groups = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(members) = groups.get_mut(group) {
            members.retain(|member| !(member.connection == connection && member.subscription == subscription));
            if members.is_empty() {
                groups.remove(group);
            }
        }
    }

    /// Queues `data` for every subscription of `group`. A connection whose queue is full is
    /// signalled (it closes itself) and misses the message; nobody else waits for it.
    pub(crate) fn deliver(&self, group: &str, data: &Arc<str>) {
        if group == USER_CHANGED {
            self.receive_notice(data);
            return;
        }
        if group == INVALIDATE {
            self.receive_invalidation(data);
            return;
        }
        let groups = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(members) = groups.get(group) else { return };
        for member in members {
            let message = Outgoing { subscription: member.subscription, data: Arc::clone(data) };
            if let Err(mpsc::error::TrySendError::Full(_)) = member.outbox.queue.try_send(message) {
                member.outbox.overflow.raise();
            }
        }
    }

    /// How many subscriptions `group` has in this process.
    pub fn subscribers(&self, group: &str) -> usize {
        self.groups.lock().unwrap_or_else(PoisonError::into_inner).get(group).map_or(0, Vec::len)
    }

    /// Registers an open socket of `user` (`None`: anonymous) for pushed invalidations; returns
    /// its name across processes (the client sends it back with its calls).
    pub(crate) fn open_socket(&self, connection: u64, user: Option<i32>, outbox: Outbox) -> String {
        self.sockets.lock().unwrap_or_else(PoisonError::into_inner).insert(connection, Socket { user, outbox });
        format!("{}.{connection}", self.origin)
    }

    pub(crate) fn close_socket(&self, connection: u64) {
        self.sockets.lock().unwrap_or_else(PoisonError::into_inner).remove(&connection);
    }

    /// A pushed invalidation: an `invalidate` frame for every socket it is for (all, or the
    /// user's), except the caller's own, which had the keys in its call's answer.
    fn receive_invalidation(&self, data: &str) {
        let push = match serde_json::from_str::<Push>(data) {
            Ok(push) if !push.keys.is_empty() => push,
            Ok(_) => return,
            Err(error) => {
                tracing::warn!(%error, "ignoring a malformed pushed invalidation");
                return;
            }
        };
        let except = push.except.as_deref().and_then(|name| {
            let (origin, connection) = name.split_once('.')?;
            (origin == self.origin).then(|| connection.parse::<u64>().ok()).flatten()
        });
        let frame = serde_json::json!({ "type": "invalidate", "keys": push.keys }).to_string();
        let frame: Arc<str> = Arc::from(frame);
        let sockets = self.sockets.lock().unwrap_or_else(PoisonError::into_inner);
        for (connection, socket) in sockets.iter() {
            if Some(*connection) == except || (push.user.is_some() && socket.user != push.user) {
                continue;
            }
            let message = Outgoing { subscription: FRAME, data: Arc::clone(&frame) };
            if let Err(mpsc::error::TrySendError::Full(_)) = socket.outbox.queue.try_send(message) {
                socket.outbox.overflow.raise();
            }
        }
    }

    /// Wakes `connection` whenever [`user_changed`](Hub::user_changed) names `user`.
    pub(crate) fn watch_user(&self, user: i32, connection: u64, recheck: Arc<Notify>) {
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        users.entry(user).or_default().push(Watcher { connection, recheck });
    }

    pub(crate) fn unwatch_user(&self, user: i32, connection: u64) {
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(watchers) = users.get_mut(&user) {
            watchers.retain(|watcher| watcher.connection != connection);
            if watchers.is_empty() {
                users.remove(&user);
            }
        }
    }

    /// Wakes every socket of `user` in this process to re-check it. Wake-ups of one socket
    /// coalesce: it re-checks once for several changes that arrive while it is busy.
    pub(crate) fn user_changed(&self, user: i32) {
        let users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        for watcher in users.get(&user).into_iter().flatten() {
            watcher.recheck.notify_one();
        }
    }

    /// The notice that tells the other processes' hubs that `user` changed, published to
    /// [`USER_CHANGED`]: this hub's origin and the user id.
    pub(crate) fn user_changed_notice(&self, user: i32) -> Arc<str> {
        Arc::from(format!("{} {user}", self.origin))
    }

    /// A notice from the layer: another hub's wakes this process's sockets of the user; this
    /// hub's own (echoed back by Redis) already did.
    fn receive_notice(&self, data: &str) {
        let Some((origin, user)) = data.split_once(' ') else { return };
        if origin == self.origin {
            return;
        }
        match user.parse() {
            Ok(user) => self.user_changed(user),
            Err(_) => tracing::warn!(notice = data, "ignoring a malformed user-changed notice"),
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt as _;

    use super::*;

    fn woken(recheck: &Notify) -> bool {
        recheck.notified().now_or_never().is_some()
    }

    #[test]
    fn notices_wake_the_users_sockets_once_and_only_from_other_hubs() {
        let hub = Hub::default();
        let other = Hub::default();
        let (ann, bob) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        hub.watch_user(5, 1, Arc::clone(&ann));
        hub.watch_user(6, 2, Arc::clone(&bob));

        hub.deliver(USER_CHANGED, &other.user_changed_notice(5));
        assert!(woken(&ann) && !woken(&bob));
        hub.deliver(USER_CHANGED, &hub.user_changed_notice(5));
        assert!(!woken(&ann), "its own notice, echoed back, was handled when it was sent");
        for malformed in ["", "5", "someone else", "someone x", "someone 99999999999"] {
            hub.deliver(USER_CHANGED, &Arc::from(malformed));
        }
        assert!(!woken(&ann) && !woken(&bob));

        hub.unwatch_user(5, 1);
        hub.user_changed(5);
        assert!(!woken(&ann), "a closed socket is not woken");
    }
}
