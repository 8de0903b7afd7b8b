//! The app's secret key (`MIZAN_SECRET_KEY`).
//!
//! Sessions are stored under a keyed BLAKE2b hash of the cookie's token, so a database that
//! leaks, or that someone can write to, neither reveals sessions nor lets anyone forge one
//! without the key. Every replica of an app must share the key; changing it ends every session.
//!
//! In production mode (`MIZAN_DEV=0`, the default of release builds) the server refuses to start
//! without a key. In dev mode and in tests, sessions are hashed without a key.

use blake2::digest::{consts::U32, Mac};
use blake2::{Blake2b, Blake2bMac, Digest};

/// The shortest accepted key, in bytes (256 bits of hex, e.g. from `openssl rand -hex 32`,
/// is 64).
pub const MIN_SECRET_KEY_LEN: usize = 32;

/// The command suggested to make a key.
pub(crate) const MAKE_KEY: &str = "openssl rand -hex 32";

/// A secret key of at least [`MIN_SECRET_KEY_LEN`] bytes. Its `Debug` output hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey {
    /// BLAKE2b-256 of the key text: a fixed-size MAC key whatever the text's length.
    derived: [u8; 32],
}

/// Why a secret key was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the secret key is {len} bytes long; use at least {MIN_SECRET_KEY_LEN} random bytes (`{MAKE_KEY}` makes one)")]
pub struct SecretKeyError {
    len: usize,
}

impl SecretKey {
    /// A key from its text (e.g. the value of `MIZAN_SECRET_KEY`).
    pub fn new(text: &str) -> Result<Self, SecretKeyError> {
        let text = text.trim();
        if text.len() < MIN_SECRET_KEY_LEN {
            return Err(SecretKeyError { len: text.len() });
        }
        let mut derived = [0u8; 32];
        derived
            .copy_from_slice(&Blake2b::<U32>::new().chain_update(b"mizan-secret-key\0").chain_update(text).finalize());
        Ok(Self { derived })
    }

    /// The keyed BLAKE2b-256 of `data` for `purpose` (different purposes give unrelated values).
    pub(crate) fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let mut mac = <Blake2bMac<U32> as Mac>::new_from_slice(&self.derived).expect("32 bytes is a valid BLAKE2b key");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl std::str::FromStr for SecretKey {
    type Err = SecretKeyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_refused_with_the_way_to_make_one() {
        let error = SecretKey::new("too short").unwrap_err();
        assert!(error.to_string().contains("9 bytes") && error.to_string().contains(MAKE_KEY), "{error}");
        assert!(SecretKey::new(&" ".repeat(40)).is_err(), "blank keys are refused");
        assert!(SecretKey::new(&"k".repeat(MIN_SECRET_KEY_LEN)).is_ok());
    }

    #[test]
    fn macs_depend_on_key_purpose_and_data_and_debug_hides_the_key() {
        let a = SecretKey::new(&"a".repeat(40)).unwrap();
        let b = SecretKey::new(&"b".repeat(40)).unwrap();
        assert_eq!(a.mac("session", b"t"), a.mac("session", b"t"));
        assert_ne!(a.mac("session", b"t"), b.mac("session", b"t"));
        assert_ne!(a.mac("session", b"t"), a.mac("other", b"t"));
        assert_ne!(a.mac("session", b"t"), a.mac("session", b"u"));
        assert_eq!(format!("{a:?}"), "SecretKey(..)");
    }
}
