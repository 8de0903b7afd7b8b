//! Server-side sessions in `mizan_sessions`.
//!
//! The browser holds a random 256-bit token in the `mizan_session` cookie (`HttpOnly`,
//! `SameSite=Lax`; over TLS named `__Host-mizan_session`, `Secure`); the table stores only its BLAKE2b hash, keyed with the
//! app's [`SecretKey`] when it has one, so a leaked table does not leak sessions and a
//! writable one does not let anyone forge them. A session ends when the user logs out, after
//! [`SessionConfig::idle_timeout`] without requests, after [`SessionConfig::absolute_timeout`]
//! whatever the activity, and when the user's password changes or the user is deactivated.

use std::sync::Arc;

use actix_web::cookie::{time, Cookie, SameSite};
use blake2::{Blake2b, Digest};
use chrono::{DateTime, Duration, Utc};
use password_hash::rand_core::{OsRng, RngCore};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

use super::user_entity;
use crate::core::secret::SecretKey;

/// Name of the session cookie; over TLS it is named with
/// [`HOST_COOKIE_PREFIX`](crate::protocol::HOST_COOKIE_PREFIX) (`__Host-mizan_session`).
pub const SESSION_COOKIE: &str = "mizan_session";

/// The sea-orm entity of `mizan_sessions`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One row of `mizan_sessions`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mizan_sessions")]
    pub struct Model {
        /// Hex BLAKE2b-256 of the cookie's token.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        /// The logged-in user.
        pub user_id: i32,
        /// Start of the session (for the absolute timeout).
        pub created_at: ChronoDateTimeUtc,
        /// Last request (for the idle timeout).
        pub last_seen_at: ChronoDateTimeUtc,
    }

    /// No relations are navigated from sessions.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The current time; replaceable for tests of expiry.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How sessions behave.
#[derive(Clone)]
pub struct SessionConfig {
    /// A session without requests for this long ends (default: 7 days).
    pub idle_timeout: Duration,
    /// A session ends this long after login, active or not (default: 30 days).
    pub absolute_timeout: Duration,
    /// `Secure` cookies over plain HTTP: `None` (default) and `Some(false)` leave it off,
    /// `Some(true)` sets it (a TLS proxy that is not among the trusted proxies). Over TLS the
    /// cookie is always `__Host-mizan_session` and `Secure`.
    pub secure: Option<bool>,
    /// The clock (default: the system clock).
    pub clock: Clock,
    /// The key of the stored hashes (`MIZAN_SECRET_KEY`; default none: unkeyed, as in dev
    /// mode). Changing it ends every session.
    pub secret_key: Option<SecretKey>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::days(7),
            absolute_timeout: Duration::days(30),
            secure: None,
            clock: Arc::new(Utc::now),
            secret_key: None,
        }
    }
}

impl std::fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionConfig")
            .field("idle_timeout", &self.idle_timeout)
            .field("absolute_timeout", &self.absolute_timeout)
            .field("secure", &self.secure)
            .field("secret_key", &self.secret_key)
            .finish_non_exhaustive()
    }
}

/// The session store.
#[derive(Clone, Debug)]
pub struct Sessions {
    db: DatabaseConnection,
    config: SessionConfig,
}

/// A new random token (256 bits, hex).
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    crate::core::hex(&bytes)
}

/// The stored id of a token: its BLAKE2b-256, keyed with the secret key when there is one.
fn session_id(key: Option<&SecretKey>, token: &str) -> String {
    let digest: [u8; 32] = match key {
        Some(key) => key.mac("session", token.as_bytes()),
        None => Blake2b::<blake2::digest::consts::U32>::digest(token.as_bytes()).into(),
    };
    crate::core::hex(&digest)
}

impl Sessions {
    /// A store on `db`.
    pub fn new(db: DatabaseConnection, config: SessionConfig) -> Self {
        Self { db, config }
    }

    /// The configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Starts a session for `user_id`; returns the token for the cookie.
    pub async fn start(&self, user_id: i32) -> Result<String, DbErr> {
        let token = new_token();
        let now = (self.config.clock)();
        entity::ActiveModel {
            id: Set(self.id(&token)),
            user_id: Set(user_id),
            created_at: Set(now),
            last_seen_at: Set(now),
        }
        .insert(&self.db)
        .await?;
        Ok(token)
    }

    /// The user of a live session; an expired session is deleted and gives `None`.
    pub async fn resolve(&self, token: &str) -> Result<Option<user_entity::Model>, DbErr> {
        let id = self.id(token);
        let Some(session) = entity::Entity::find_by_id(id.clone()).one(&self.db).await? else { return Ok(None) };
        let now = (self.config.clock)();
        let expired = now - session.last_seen_at > self.config.idle_timeout
            || now - session.created_at > self.config.absolute_timeout;
        if expired {
            entity::Entity::delete_by_id(id).exec(&self.db).await?;
            return Ok(None);
        }
        let Some(user) = user_entity::Entity::find_by_id(session.user_id).one(&self.db).await? else {
            return Ok(None);
        };
        // Record activity at most once a minute: one write per minute, not per request.
        if now - session.last_seen_at > Duration::minutes(1) {
            let mut active: entity::ActiveModel = session.into();
            active.last_seen_at = Set(now);
            active.update(&self.db).await?;
        }
        Ok(Some(user))
    }

    /// Ends the session of `token`.
    pub async fn end(&self, token: &str) -> Result<(), DbErr> {
        entity::Entity::delete_by_id(self.id(token)).exec(&self.db).await.map(|_| ())
    }

    /// Ends every session of `user_id` except the one of `keep`.
    pub async fn end_all_for(&self, user_id: i32, keep: Option<&str>) -> Result<u64, DbErr> {
        end_all_for(&self.db, user_id, keep.map(|token| self.id(token))).await
    }

    fn id(&self, token: &str) -> String {
        session_id(self.config.secret_key.as_ref(), token)
    }

    /// The cookie carrying `token`: `mizan_session`, or over TLS (`tls`) `__Host-mizan_session`,
    /// `Secure`, `Path=/`, no `Domain`.
    pub fn cookie(&self, token: String, tls: bool) -> Cookie<'static> {
        Cookie::build(crate::engine::request::cookie_name(SESSION_COOKIE, tls), token)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            // A `__Host-` cookie that is not `Secure` is refused by browsers.
            .secure(tls || self.config.secure.unwrap_or(false))
            .max_age(time::Duration::seconds(self.config.absolute_timeout.num_seconds()))
            .finish()
    }

    /// A cookie that deletes the session cookie.
    pub fn removal_cookie(&self, tls: bool) -> Cookie<'static> {
        let mut cookie = self.cookie(String::new(), tls);
        cookie.make_removal();
        cookie
    }
}

/// Ends every session of `user_id` except the one stored as `keep` (password change,
/// deactivation).
pub(crate) async fn end_all_for(db: &impl ConnectionTrait, user_id: i32, keep: Option<String>) -> Result<u64, DbErr> {
    let mut query = entity::Entity::delete_many().filter(entity::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(entity::Column::Id.ne(keep));
    }
    Ok(query.exec(db).await?.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::auth::users;

    #[actix_web::test]
    async fn cookies_are_http_only_lax_and_secure_over_tls_or_when_configured() {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let sessions = Sessions::new(db.clone(), SessionConfig::default());
        let plain = sessions.cookie("t".into(), false);
        assert_eq!(
            (plain.http_only(), plain.same_site(), plain.secure()),
            (Some(true), Some(SameSite::Lax), Some(false))
        );
        assert_eq!(plain.name(), "mizan_session");
        let tls = sessions.cookie("t".into(), true);
        assert_eq!(
            (tls.name(), tls.secure(), tls.path(), tls.domain()),
            ("__Host-mizan_session", Some(true), Some("/"), None)
        );
        let forced = Sessions::new(db.clone(), SessionConfig { secure: Some(true), ..SessionConfig::default() });
        assert_eq!(forced.cookie("t".into(), false).secure(), Some(true), "Secure when configured");
        assert_eq!(forced.cookie("t".into(), false).name(), "mizan_session");
        let off = Sessions::new(db, SessionConfig { secure: Some(false), ..SessionConfig::default() });
        assert_eq!(off.cookie("t".into(), true).secure(), Some(true), "a __Host- cookie is always Secure");
        assert_eq!(sessions.removal_cookie(true).name(), "__Host-mizan_session");
        assert_eq!(sessions.removal_cookie(false).max_age(), Some(time::Duration::ZERO));
    }

    #[actix_web::test]
    async fn a_new_secret_key_ends_the_sessions_made_under_the_old_one() {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        crate::db::migrate_with::<crate::db::FrameworkMigrator>(&db).await.unwrap();
        let new = users::NewUser {
            username: "ana",
            email: "ana@example.com",
            password: "pw",
            is_staff: false,
            is_superuser: false,
        };
        let user = users::create_user(&db, new).await.unwrap();
        let keyed =
            |text: &str| SessionConfig { secret_key: Some(SecretKey::new(text).unwrap()), ..SessionConfig::default() };
        let old = Sessions::new(db.clone(), keyed(&"old".repeat(20)));
        let token = old.start(user.id).await.unwrap();
        assert_eq!(old.resolve(&token).await.unwrap().map(|user| user.username).as_deref(), Some("ana"));
        let rotated = Sessions::new(db.clone(), keyed(&"new".repeat(20)));
        assert_eq!(rotated.resolve(&token).await.unwrap(), None, "the old key's session is unknown under the new one");
        assert_eq!(
            Sessions::new(db, SessionConfig::default()).resolve(&token).await.unwrap(),
            None,
            "and without a key"
        );
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(session_id(None, &a), session_id(None, &a));
        assert_ne!(session_id(None, &a), a, "the table never holds the token itself");
        assert_eq!(session_id(None, &a).len(), 64);
        let key = SecretKey::new(&"k".repeat(40)).unwrap();
        let other = SecretKey::new(&"o".repeat(40)).unwrap();
        assert_eq!(session_id(Some(&key), &a).len(), 64);
        assert_ne!(session_id(Some(&key), &a), session_id(None, &a), "the key changes the stored id");
        assert_ne!(session_id(Some(&key), &a), session_id(Some(&other), &a), "each key its own ids");
    }
}
