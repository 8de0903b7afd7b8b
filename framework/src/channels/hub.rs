//! The process's subscriptions by group, and delivery into each connection's bounded queue.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

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

/// Subscriptions of this process, by group key.
#[derive(Default)]
pub struct Hub {
    groups: Mutex<HashMap<String, Vec<Member>>>,
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
}
