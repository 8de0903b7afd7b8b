//! The optional page output cache ([`Mizan::page_cache`](crate::Mizan::page_cache)).
//!
//! A rendered page is reused when a request has the same URL and exactly the same SSR data
//! (e.g. anonymous visitors of a page whose contexts did not change). The key is the URL and
//! the global contexts; an entry also records the local contexts the page used, which are
//! resolved again and compared before the entry is used, so the data always matches. Only
//! the JavaScript render is saved, never the data. Entries are evicted oldest first to keep
//! the total size under the bound.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// A rendered page and the local contexts it was rendered with.
#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) locals: Vec<(String, String)>,
    pub(crate) html: String,
    pub(crate) status: u16,
    pub(crate) head: String,
}

impl Entry {
    fn size(&self, key: &str) -> usize {
        key.len()
            + self.html.len()
            + self.head.len()
            + self.locals.iter().map(|(key, value)| key.len() + value.len()).sum::<usize>()
    }
}

pub(crate) struct PageCache {
    max_bytes: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    order: VecDeque<String>,
    bytes: usize,
}

impl PageCache {
    pub(crate) fn new(max_bytes: usize) -> Self {
        Self { max_bytes, inner: Mutex::default() }
    }

    /// The cache key of a page: its URL and its global contexts (JSON text).
    pub(crate) fn key(url: &str, globals: &str) -> String {
        format!("{url}\n{globals}")
    }

    pub(crate) fn get(&self, key: &str) -> Option<Entry> {
        self.lock().entries.get(key).cloned()
    }

    /// Stores `entry`, evicting the oldest entries beyond the bound; an entry larger than the
    /// whole bound is not stored.
    pub(crate) fn insert(&self, key: String, entry: Entry) {
        let size = entry.size(&key);
        if size > self.max_bytes {
            return;
        }
        let mut inner = self.lock();
        if let Some(old) = inner.entries.remove(&key) {
            inner.bytes -= old.size(&key);
            inner.order.retain(|existing| existing != &key);
        }
        while inner.bytes + size > self.max_bytes {
            let Some(oldest) = inner.order.pop_front() else { break };
            if let Some(old) = inner.entries.remove(&oldest) {
                inner.bytes -= old.size(&oldest);
            }
        }
        inner.bytes += size;
        inner.order.push_back(key.clone());
        inner.entries.insert(key, entry);
    }

    /// Bytes held (keys, markup and recorded data).
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(html: &str) -> Entry {
        Entry { locals: Vec::new(), html: html.into(), status: 200, head: String::new() }
    }

    #[test]
    fn the_size_bound_evicts_the_oldest_entries() {
        let cache = PageCache::new(30);
        cache.insert("a".into(), entry("0123456789"));
        cache.insert("b".into(), entry("0123456789"));
        assert!(cache.get("a").is_some() && cache.get("b").is_some());
        cache.insert("c".into(), entry("0123456789"));
        assert!(cache.get("a").is_none(), "the oldest went");
        assert!(cache.get("b").is_some() && cache.get("c").is_some());
        assert!(cache.bytes() <= 30);
        cache.insert("huge".into(), entry(&"x".repeat(100)));
        assert!(cache.get("huge").is_none(), "larger than the bound: not stored");
        assert!(cache.get("c").is_some(), "and nothing evicted for it");
    }

    #[test]
    fn replacing_an_entry_keeps_the_accounting_right() {
        let cache = PageCache::new(100);
        for _ in 0..10 {
            cache.insert("a".into(), entry("0123456789"));
        }
        assert_eq!(cache.bytes(), 11);
    }
}
