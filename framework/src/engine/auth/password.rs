//! Password hashing: Argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), stored in
//! PHC format (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
//!
//! [`verify`] reports when a stored hash uses other parameters, so that the caller re-hashes
//! the password at the next successful login. Passwords longer than [`MAX_PASSWORD_BYTES`]
//! are refused before any hashing, so a huge password cannot be used to burn CPU.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use password_hash::rand_core::OsRng;
use password_hash::SaltString;

/// The longest accepted password, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// OWASP's Argon2id recommendation: 19 MiB of memory, 2 iterations, 1 lane.
pub const MEMORY_KIB: u32 = 19_456;
/// Iterations.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;

/// Why a password could not be hashed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// The password exceeds [`MAX_PASSWORD_BYTES`].
    #[error("the password is longer than {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    /// The stored hash is not a valid PHC string.
    #[error("the stored password hash is malformed")]
    MalformedHash,
    /// The hashing library failed.
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The password matches.
    pub matches: bool,
    /// The stored hash uses other parameters than the current ones: re-hash and store the
    /// password (only meaningful when it matches).
    pub needs_rehash: bool,
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hashing(error.to_string()))
}

/// [`hash`] on the blocking thread pool: the calling async worker goes on serving other
/// requests meanwhile (a hash takes tens of milliseconds of CPU).
pub async fn hash_off_worker(password: String) -> Result<String, PasswordError> {
    match tokio::task::spawn_blocking(move || hash(&password)).await {
        Ok(hashed) => hashed,
        Err(error) => Err(PasswordError::Hashing(format!("the hashing task failed: {error}"))),
    }
}

/// Checks `password` against the PHC string `stored`.
pub fn verify(password: &str, stored: &str) -> Result<Verified, PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    let parsed = PasswordHash::new(stored).map_err(|_| PasswordError::MalformedHash)?;
    // Verify with the parameters stored in the hash, whatever they are.
    let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    let current = parsed.algorithm.as_str() == "argon2id"
        && parsed.version == Some(Version::V0x13 as u32)
        && Params::try_from(&parsed).is_ok_and(|params| {
            params.m_cost() == MEMORY_KIB && params.t_cost() == ITERATIONS && params.p_cost() == PARALLELISM
        });
    Ok(Verified { matches, needs_rehash: !current })
}

/// Spends the time of one verification without a stored hash, so that a login for an unknown
/// user costs as much as one with a wrong password.
pub fn verify_dummy(password: &str) {
    use std::sync::LazyLock;
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash("mizan dummy password").expect("hashing works"));
    let _ = verify(password, &DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_with_owasp_parameters() {
        let stored = hash("correct horse").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert_ne!(stored, hash("correct horse").unwrap(), "every hash has its own salt");
        assert_eq!(verify("correct horse", &stored).unwrap(), Verified { matches: true, needs_rehash: false });
        assert_eq!(verify("wrong horse", &stored).unwrap().matches, false);
    }

    #[test]
    fn older_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(4096, 1, 1, None).unwrap());
        let stored = weak.hash_password(b"pw", &SaltString::generate(&mut OsRng)).unwrap().to_string();
        assert_eq!(verify("pw", &stored).unwrap(), Verified { matches: true, needs_rehash: true });
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::new(MEMORY_KIB, 2, 1, None).unwrap());
        let stored = argon2i.hash_password(b"pw", &SaltString::generate(&mut OsRng)).unwrap().to_string();
        assert_eq!(verify("pw", &stored).unwrap(), Verified { matches: true, needs_rehash: true });
    }

    #[test]
    fn oversized_passwords_are_refused_before_hashing() {
        let huge = "x".repeat(MAX_PASSWORD_BYTES + 1);
        assert_eq!(hash(&huge), Err(PasswordError::TooLong));
        assert_eq!(verify(&huge, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA"), Err(PasswordError::TooLong));
        assert!(hash(&"x".repeat(MAX_PASSWORD_BYTES)).is_ok());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn hashing_off_the_worker_leaves_its_thread_free() {
        let mut hashing = std::pin::pin!(hash_off_worker("correct horse".to_owned()));
        // The first poll hands the work to the blocking pool and returns at once; a hash
        // computed inline would make it return the finished hash instead.
        assert!(futures_util::poll!(hashing.as_mut()).is_pending());
        let stored = hashing.await.unwrap();
        assert!(verify("correct horse", &stored).unwrap().matches);
        assert_eq!(hash_off_worker("x".repeat(MAX_PASSWORD_BYTES + 1)).await, Err(PasswordError::TooLong));
    }

    #[test]
    fn malformed_hashes_are_errors() {
        assert_eq!(verify("pw", "not a hash"), Err(PasswordError::MalformedHash));
    }
}
