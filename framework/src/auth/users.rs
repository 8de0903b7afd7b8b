//! User accounts in the `mizan_users` table.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::password::{self, PasswordError};
use super::User;

/// The sea-orm entity of `mizan_users`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One row of `mizan_users`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mizan_users")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// Unique login name.
        #[sea_orm(unique)]
        pub username: String,
        /// Email address.
        pub email: String,
        /// Argon2id hash in PHC format.
        pub password_hash: String,
        /// Inactive users cannot log in.
        pub is_active: bool,
        /// Staff flag.
        pub is_staff: bool,
        /// Superuser flag.
        pub is_superuser: bool,
        /// When the account was created.
        pub created_at: ChronoDateTimeUtc,
        /// The last successful login.
        pub last_login: Option<ChronoDateTimeUtc>,
    }

    /// No relations are navigated from users.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
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
    /// Login name: 1 to 150 letters, digits and `@ . + - _`.
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
    /// The username is empty, too long or has characters outside `[A-Za-z0-9@.+_-]`.
    #[error("invalid username: use 1 to 150 letters, digits and @ . + - _")]
    InvalidUsername,
    /// The email address is not plausible.
    #[error("invalid email address")]
    InvalidEmail,
    /// The password is empty or too long.
    #[error("invalid password: {0}")]
    InvalidPassword(String),
    /// A user with that username exists.
    #[error("the username `{0}` is taken")]
    UsernameTaken(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// Whether `username` is acceptable.
pub fn valid_username(username: &str) -> bool {
    (1..=150).contains(&username.chars().count())
        && username.chars().all(|c| c.is_alphanumeric() || matches!(c, '@' | '.' | '+' | '-' | '_'))
}

/// Whether `email` looks like an address (`local@domain`, no spaces, at most 254 bytes).
pub fn valid_email(email: &str) -> bool {
    email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
}

/// Creates a user with a hashed password.
pub async fn create_user(db: &impl ConnectionTrait, new: NewUser<'_>) -> Result<User, CreateUserError> {
    if !valid_username(new.username) {
        return Err(CreateUserError::InvalidUsername);
    }
    if !valid_email(new.email) {
        return Err(CreateUserError::InvalidEmail);
    }
    if new.password.is_empty() {
        return Err(CreateUserError::InvalidPassword("it is empty".into()));
    }
    let password_hash = password::hash(new.password)
        .map_err(|error: PasswordError| CreateUserError::InvalidPassword(error.to_string()))?;
    if find_by_username(db, new.username).await?.is_some() {
        return Err(CreateUserError::UsernameTaken(new.username.to_owned()));
    }
    let model = entity::ActiveModel {
        username: Set(new.username.to_owned()),
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
        true => CreateUserError::UsernameTaken(new.username.to_owned()),
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

/// The user called `username`.
pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<entity::Model>, sea_orm::DbErr> {
    entity::Entity::find().filter(entity::Column::Username.eq(username)).one(db).await
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
        assert!(valid_email("ann@example.com"));
        for bad in ["ann", "@example.com", "ann@localhost", "ann@.com", "a nn@example.com"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
