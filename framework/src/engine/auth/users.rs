//! User accounts in the `mizan_users` table.
//!
//! Usernames are unique without regard to case: each row also stores the name's key
//! ([`username_key`]: Unicode NFKC, then lower case) under a unique index, and logins look the
//! key up, so `Ann`, `ann` and `ＡＮＮ` are one account. By default ([`UsernamePolicy::Ascii`])
//! names use ASCII letters, digits and `@ . + - _` only, which rules out look-alike letters
//! from other scripts; [`UsernamePolicy::Unicode`] accepts letters of any script but refuses
//! names that mix scripts (a Latin name with a Cyrillic `а`).

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::password::{self, PasswordError};
use super::User;

/// The sea-orm entity of `mizan_users`.
pub mod entity {
    pub use crate::engine::auth::user_entity::*;
}

impl From<entity::Model> for User {
    fn from(model: entity::Model) -> Self {
        User {
            id: model.id,
            username: model.username,
            email: model.email,
            is_active: model.is_active,
            is_staff: model.is_staff,
            is_superuser: model.is_superuser,
        }
    }
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Login name: 1 to 150 letters, digits and `@ . + - _` (see [`UsernamePolicy`]).
    pub username: &'a str,
    /// Email address.
    pub email: &'a str,
    /// The password (hashed before it is stored).
    pub password: &'a str,
    /// Staff flag.
    pub is_staff: bool,
    /// Superuser flag.
    pub is_superuser: bool,
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The username is empty, too long, has characters the [`UsernamePolicy`] does not allow,
    /// or mixes scripts.
    #[error("invalid username: use 1 to 150 letters, digits and @ . + - _")]
    InvalidUsername,
    /// The email address is not plausible.
    #[error("invalid email address")]
    InvalidEmail,
    /// The password is empty or too long.
    #[error("invalid password: {0}")]
    InvalidPassword(String),
    /// A user with that username exists (compared without regard to case).
    #[error("the username `{0}` is taken")]
    UsernameTaken(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// The longest username, in characters.
pub const MAX_USERNAME_CHARS: usize = 150;

/// Which usernames are accepted ([`Mizan::username_policy`](crate::Mizan::username_policy)).
/// Choose it before users sign up: it decides which names exist, not how they are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UsernamePolicy {
    /// ASCII letters, digits and `@ . + - _` (the default): no look-alike letters.
    #[default]
    Ascii,
    /// Letters and digits of any script and `@ . + - _`, stored NFKC-normalised; a name must
    /// use one script (digits and the punctuation go with any), so `pаypal` with a Cyrillic
    /// `а` is refused. Whole names written in a script that resembles another are not detected.
    Unicode,
}

/// `username` as it is stored under `policy`: NFKC-normalised, or `None` when it is not
/// acceptable (empty, longer than [`MAX_USERNAME_CHARS`], characters the policy refuses,
/// mixed scripts).
pub fn normalize_username(username: &str, policy: UsernamePolicy) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_security::MixedScript;
    let punctuation = |c: char| matches!(c, '@' | '.' | '+' | '-' | '_');
    let name = match policy {
        UsernamePolicy::Ascii => {
            username.chars().all(|c| c.is_ascii_alphanumeric() || punctuation(c)).then(|| username.to_owned())?
        }
        UsernamePolicy::Unicode => {
            let name: String = username.nfkc().collect();
            let allowed = name.chars().all(|c| c.is_alphanumeric() || punctuation(c));
            (allowed && name.as_str().is_single_script()).then_some(name)?
        }
    };
    (1..=MAX_USERNAME_CHARS).contains(&name.chars().count()).then_some(name)
}

/// Whether `username` is acceptable under the default policy ([`UsernamePolicy::Ascii`]).
pub fn valid_username(username: &str) -> bool {
    normalize_username(username, UsernamePolicy::Ascii).is_some()
}

/// The key that makes usernames unique: NFKC, then lower case. Two names with the same key
/// are the same account.
pub fn username_key(username: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    username.nfkc().collect::<String>().to_lowercase()
}

/// Whether `email` looks like an address (`local@domain`, no spaces, at most 254 bytes).
pub fn valid_email(email: &str) -> bool {
    email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
}

/// Creates a user with a hashed password, under the default [`UsernamePolicy`].
pub async fn create_user(db: &impl ConnectionTrait, new: NewUser<'_>) -> Result<User, CreateUserError> {
    create_user_with(db, new, UsernamePolicy::default()).await
}

/// Creates a user with a hashed password, accepting the usernames `policy` allows.
///
/// The password is hashed on the blocking pool, not on the async worker, and before the
/// username is looked up, so a taken name costs as long as a free one.
pub async fn create_user_with(
    db: &impl ConnectionTrait,
    new: NewUser<'_>,
    policy: UsernamePolicy,
) -> Result<User, CreateUserError> {
    let Some(username) = normalize_username(new.username, policy) else {
        return Err(CreateUserError::InvalidUsername);
    };
    if !valid_email(new.email) {
        return Err(CreateUserError::InvalidEmail);
    }
    if new.password.is_empty() {
        return Err(CreateUserError::InvalidPassword("it is empty".into()));
    }
    let password_hash = password::hash_off_worker(new.password.to_owned())
        .await
        .map_err(|error: PasswordError| CreateUserError::InvalidPassword(error.to_string()))?;
    if find_by_username(db, &username).await?.is_some() {
        return Err(CreateUserError::UsernameTaken(username));
    }
    let model = entity::ActiveModel {
        username_key: Set(username_key(&username)),
        username: Set(username.clone()),
        email: Set(new.email.to_owned()),
        password_hash: Set(password_hash),
        is_active: Set(true),
        is_staff: Set(new.is_staff || new.is_superuser),
        is_superuser: Set(new.is_superuser),
        created_at: Set(Utc::now()),
        last_login: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|error| match find_unique_violation(&error) {
        true => CreateUserError::UsernameTaken(username),
        false => CreateUserError::Database(error),
    })?;
    Ok(model.into())
}

/// Activates or deactivates a user; deactivation ends all of the user's sessions.
/// The user's channel sockets in the apps of this process (and, over Redis, in their other
/// processes) re-check their user at once.
pub async fn set_active(db: &impl ConnectionTrait, user_id: i32, active: bool) -> Result<(), sea_orm::DbErr> {
    let model = entity::ActiveModel { id: Set(user_id), is_active: Set(active), ..Default::default() };
    model.update(db).await?;
    if !active {
        super::sessions::end_all_for(db, user_id, None).await?;
    }
    crate::channels::user_changed_everywhere(user_id).await;
    Ok(())
}

/// The user called `username`, compared without regard to case (by [`username_key`]).
pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<entity::Model>, sea_orm::DbErr> {
    if username.chars().count() > MAX_USERNAME_CHARS * 4 {
        return Ok(None); // No stored name is that long, even in another normal form.
    }
    entity::Entity::find().filter(entity::Column::UsernameKey.eq(username_key(username))).one(db).await
}

fn find_unique_violation(error: &sea_orm::DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_emails() {
        assert!(valid_username("ann.o"));
        assert!(valid_username("bo+test@example.com"));
        assert!(!valid_username(""));
        assert!(!valid_username("has space"));
        assert!(!valid_username(&"x".repeat(151)));
        assert!(!valid_username("ann\u{fc}"), "ASCII only by default");
        assert!(valid_email("ann@example.com"));
        for bad in ["ann", "@example.com", "ann@localhost", "ann@.com", "a nn@example.com"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn keys_ignore_case_and_compatibility_forms() {
        assert_eq!(username_key("Ann"), "ann");
        assert_eq!(username_key("ＡＮＮ"), "ann", "full-width letters are NFKC-equal to ASCII");
        assert_eq!(username_key("\u{fb01}ona"), "fiona", "ligatures decompose");
        assert_ne!(username_key("ann"), username_key("anne"));
    }

    #[test]
    fn the_unicode_policy_normalises_and_refuses_mixed_scripts() {
        let unicode = UsernamePolicy::Unicode;
        assert_eq!(normalize_username("José", unicode).as_deref(), Some("José"));
        assert_eq!(normalize_username("Jose\u{301}", unicode).as_deref(), Some("José"), "stored composed");
        assert_eq!(normalize_username("Иван_1", unicode).as_deref(), Some("Иван_1"));
        assert_eq!(normalize_username("ＡＮＮ", unicode).as_deref(), Some("ANN"));
        assert_eq!(normalize_username("p\u{430}ypal", unicode), None, "Latin with a Cyrillic а");
        assert_eq!(normalize_username("ann bo", unicode), None);
        assert_eq!(normalize_username("", unicode), None);
        assert_eq!(normalize_username(&"é".repeat(151), unicode), None);
        assert_eq!(normalize_username("José", UsernamePolicy::Ascii), None);
        assert_eq!(normalize_username("ann.o+1@x", UsernamePolicy::Ascii).as_deref(), Some("ann.o+1@x"));
    }
}
