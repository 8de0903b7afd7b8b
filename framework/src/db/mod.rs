//! The database: the framework's tables and migrations (sea-orm, sea-orm-migration), on
//! SQLite by default and PostgreSQL with the same code.
//!
//! An app with tables of its own lists its migrations after the framework's in one migrator
//! and hands it to [`Mizan::migrator`](crate::Mizan::migrator):
//!
//! ```no_run
//! use sea_orm_migration::prelude::*;
//!
//! pub struct Migrator;
//!
//! impl MigratorTrait for Migrator {
//!     fn migrations() -> Vec<Box<dyn MigrationTrait>> {
//!         let mut migrations = mizan::db::framework_migrations();
//!         // migrations.push(Box::new(m20260101_create_todos::Migration));
//!         migrations
//!     }
//! }
//!
//! let app = mizan::Mizan::new().migrator::<Migrator>();
//! ```

mod migrations;

use futures_util::future::LocalBoxFuture;
use sea_orm::{DatabaseConnection, DbErr};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

/// The framework's own migrations (users, sessions), in order.
pub fn framework_migrations() -> Vec<Box<dyn MigrationTrait>> {
    migrations::all()
}

/// The migrator of an app without tables of its own: the framework's migrations only.
#[derive(Debug, Clone, Copy, Default)]
pub struct FrameworkMigrator;

impl MigratorTrait for FrameworkMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        framework_migrations()
    }
}

/// Applies every pending migration of `M`.
pub(crate) type Migrate = for<'a> fn(&'a DatabaseConnection) -> LocalBoxFuture<'a, Result<(), DbErr>>;

/// The [`Migrate`] function of migrator `M`.
pub(crate) fn migrate_with<M: MigratorTrait + 'static>(
    db: &DatabaseConnection,
) -> LocalBoxFuture<'_, Result<(), DbErr>> {
    Box::pin(M::up(db, None))
}
