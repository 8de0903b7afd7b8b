//! The framework's tables. Never edit a released migration; add a new one.

// `#[async_trait]` signatures must match the trait's, which elides `SchemaManager's lifetime.
#![allow(elided_lifetimes_in_paths)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(super) fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(CreateUsers), Box::new(CreateSessions), Box::new(AddUsernameKeys)]
}

#[derive(DeriveIden)]
enum MizanUsers {
    Table,
    Id,
    Username,
    UsernameKey,
    Email,
    PasswordHash,
    IsActive,
    IsStaff,
    IsSuperuser,
    CreatedAt,
    LastLogin,
}

#[derive(DeriveIden)]
enum MizanSessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastSeenAt,
}

/// `mizan_users`: accounts with an Argon2id password hash in PHC format.
struct CreateUsers;

impl MigrationName for CreateUsers {
    fn name(&self) -> &str {
        "m20260101_000001_mizan_create_users"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateUsers {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MizanUsers::Table)
                    .if_not_exists()
                    .col(pk_auto(MizanUsers::Id))
                    .col(string_len_uniq(MizanUsers::Username, 150))
                    .col(string_len(MizanUsers::Email, 254))
                    .col(string(MizanUsers::PasswordHash))
                    .col(boolean(MizanUsers::IsActive).default(true))
                    .col(boolean(MizanUsers::IsStaff).default(false))
                    .col(boolean(MizanUsers::IsSuperuser).default(false))
                    .col(timestamp_with_time_zone(MizanUsers::CreatedAt))
                    .col(timestamp_with_time_zone_null(MizanUsers::LastLogin))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MizanUsers::Table).to_owned()).await
    }
}

/// `mizan_sessions`: server-side sessions; the id is a hash of the cookie's secret.
struct CreateSessions;

impl MigrationName for CreateSessions {
    fn name(&self) -> &str {
        "m20260101_000002_mizan_create_sessions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSessions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MizanSessions::Table)
                    .if_not_exists()
                    .col(string_len(MizanSessions::Id, 64).primary_key())
                    .col(integer(MizanSessions::UserId))
                    .col(timestamp_with_time_zone(MizanSessions::CreatedAt))
                    .col(timestamp_with_time_zone(MizanSessions::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MizanSessions::Table, MizanSessions::UserId)
                            .to(MizanUsers::Table, MizanUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("mizan_sessions_user_id")
                    .table(MizanSessions::Table)
                    .col(MizanSessions::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MizanSessions::Table).to_owned()).await
    }
}

/// `mizan_users.username_key`: the case-insensitive key of each name, unique. Existing rows
/// get the key of their name; two names that differ only in case make this migration fail
/// with a unique-constraint error naming the index (rename one of the accounts, then migrate).
struct AddUsernameKeys;

impl MigrationName for AddUsernameKeys {
    fn name(&self) -> &str {
        "m20261201_000003_mizan_username_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddUsernameKeys {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use sea_orm::ConnectionTrait;
        manager
            .alter_table(
                Table::alter()
                    .table(MizanUsers::Table)
                    .add_column(string(MizanUsers::UsernameKey).default(""))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let select = Query::select().columns([MizanUsers::Id, MizanUsers::Username]).from(MizanUsers::Table).to_owned();
        for row in db.query_all(&select).await? {
            let id: i32 = row.try_get("", "id")?;
            let username: String = row.try_get("", "username")?;
            let update = Query::update()
                .table(MizanUsers::Table)
                .value(MizanUsers::UsernameKey, crate::auth::users::username_key(&username))
                .and_where(Expr::col(MizanUsers::Id).eq(id))
                .to_owned();
            db.execute(&update).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("mizan_users_by_username_key")
                    .table(MizanUsers::Table)
                    .col(MizanUsers::UsernameKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("mizan_users_by_username_key").table(MizanUsers::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(MizanUsers::Table).drop_column(MizanUsers::UsernameKey).to_owned())
            .await
    }
}
