//! The `mizan_users` table (re-exported as [`users::entity`](super::users::entity)): kept apart so that
//! sessions can read users without depending on the user operations, which end sessions.

use sea_orm::entity::prelude::*;

/// One row of `mizan_users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mizan_users")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Login name, as the user chose it (NFKC-normalised).
    #[sea_orm(unique)]
    pub username: String,
    /// [`username_key`](crate::auth::users::username_key) of the name: unique, so names differing
    /// only in case or compatibility form are one account.
    #[sea_orm(unique)]
    pub username_key: String,
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
