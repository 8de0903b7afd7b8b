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

use std::ffi::c_int;
use std::time::Duration;

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

/// A pooled connection idle for at least this long is pinged before it is handed out; one in
/// use more recently is handed out as it is (a dropped one then fails its query, as it could
/// right after any ping). Pinging on every checkout, sqlx's default, costs every query one
/// round trip more: over the network for PostgreSQL, to the connection's thread for SQLite.
pub const PING_IDLE_CONNECTIONS_AFTER: Duration = Duration::from_secs(30);

/// Opens the database at `url` (`sqlite://...` or `postgres://...`) the way `serve`,
/// `migrate` and `createsuperuser` do.
///
/// Besides sea-orm's defaults: connections are pinged before use only after
/// [`PING_IDLE_CONNECTIONS_AFTER`] of idleness, and SQLite connections keep their query plans
/// stable (`SQLITE_DBCONFIG_ENABLE_QPSG`). Without that, SQLite plans a statement with
/// `LIMIT ?` (every sea-orm `.one()`) for the bound limit's value and marks it expired the
/// next time a value is bound, so sqlx's cached statement is compiled again on every
/// execution; with it, the statement is compiled once per connection.
///
/// The error never holds the URL's password: sea-orm quotes the URL it cannot use, and such an
/// error comes back with the URL [redacted](crate::redact_url).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = sea_orm::ConnectOptions::new(url);
    options.test_before_acquire_if_idle_for(PING_IDLE_CONNECTIONS_AFTER);
    options.map_sqlx_sqlite_pool_opts(|pool| {
        pool.after_connect(|connection, _| Box::pin(async move { stable_query_plans(connection).await }))
    });
    sea_orm::Database::connect(options).await.map_err(|error| without_credentials(error, url))
}

/// `error` of opening `url`, or, when its text or debug form holds one of the URL's secrets,
/// a connection error with the same text, secrets hidden.
fn without_credentials(error: DbErr, url: &str) -> DbErr {
    let text = error.to_string();
    let scrubbed = crate::core::redact::scrub(&text, url);
    let debug = format!("{error:?}");
    if scrubbed == text && crate::core::redact::scrub(&debug, url) == debug {
        return error;
    }
    DbErr::Conn(sea_orm::RuntimeErr::Internal(scrubbed))
}

/// Turns on SQLite's query planner stability guarantee for `connection`.
async fn stable_query_plans(connection: &mut sea_orm::sqlx::SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    qpsg(connection, 1).await.map(drop)
}

/// `SQLITE_DBCONFIG_ENABLE_QPSG` of `connection`: `set` 1 turns it on, 0 off, -1 only reads
/// it; returns whether it is on afterwards.
#[allow(unsafe_code)] // One FFI call: sqlx has no setting for this connection flag.
async fn qpsg(connection: &mut sea_orm::sqlx::SqliteConnection, set: c_int) -> Result<bool, sea_orm::sqlx::Error> {
    let mut handle = connection.lock_handle().await?;
    let mut enabled: c_int = -1;
    // SAFETY: the handle is an open connection, locked for this thread while the guard lives;
    // `SQLITE_DBCONFIG_ENABLE_QPSG` takes an int (1 on, 0 off, negative: unchanged) and a
    // pointer to an int that receives the setting, here a live local.
    let code = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            handle.as_raw_handle().as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            set,
            &mut enabled as *mut c_int,
        )
    };
    if code == libsqlite3_sys::SQLITE_OK {
        Ok(enabled == 1)
    } else {
        Err(sea_orm::sqlx::Error::Configuration(
            format!("setting SQLite's stable query plans failed (code {code})").into(),
        ))
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

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use super::*;

    /// Whether a pooled connection of `db` has stable query plans.
    async fn qpsg_enabled(db: &DatabaseConnection) -> bool {
        let mut connection = db.get_sqlite_connection_pool().acquire().await.unwrap();
        qpsg(&mut connection, -1).await.unwrap()
    }

    #[actix_web::test]
    async fn sqlite_connections_keep_stable_plans_and_skip_the_per_query_ping() {
        let db = connect("sqlite::memory:").await.unwrap();
        assert!(qpsg_enabled(&db).await, "every pooled connection has stable query plans");
        assert!(!db.get_sqlite_connection_pool().options().get_test_before_acquire(), "no ping on every checkout");
        // A bound LIMIT, as in every `.one()`, still limits.
        db.execute_unprepared("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)").await.unwrap();
        for limit in [1, 2, 3] {
            let sql = "SELECT n FROM t ORDER BY n LIMIT ?";
            let statement = Statement::from_sql_and_values(DbBackend::Sqlite, sql, [limit.into()]);
            assert_eq!(db.query_all_raw(statement).await.unwrap().len(), limit as usize);
        }
        let plain = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        assert!(!qpsg_enabled(&plain).await, "the flag is Mizan's setting, not SQLite's default");
    }

    #[actix_web::test]
    async fn a_bad_url_is_an_error() {
        assert!(connect("sqlite:///no/such/directory/db.sqlite").await.is_err());
        assert!(connect("mysql://nobody@127.0.0.1:1/none").await.is_err());
    }

    #[actix_web::test]
    async fn connection_errors_never_show_the_password() {
        for url in [
            // No server (at a socket that does not exist: a refused TCP connection is retried
            // for 30 s).
            "postgres://u:s3cretpw@localhost/db?host=/nonexistent/mizan-test",
            // No driver: sea-orm quotes the URL.
            "mysql://u:s3cretpw@127.0.0.1:1/db",
            // Unparseable: sea-orm quotes the URL.
            "postgres://u:s3cretpw@[bad/db",
            // Percent-encoded and in a parameter.
            "mysql://u:s3cret%70w@127.0.0.1:1/db?password=s3cretpw",
        ] {
            let error = connect(url).await.expect_err(url);
            for shown in [error.to_string(), format!("{error:?}")] {
                assert!(!shown.contains("s3cret"), "{url}: {shown}");
            }
        }
        let error = connect("mysql://u:s3cretpw@127.0.0.1:1/db").await.unwrap_err().to_string();
        assert!(error.contains("mysql://u:***@127.0.0.1:1/db"), "the URL is still named: {error}");
    }
}
