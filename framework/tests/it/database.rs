//! Migrations on real SQLite and PostgreSQL databases.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

/// A fresh PostgreSQL database on the local server (127.0.0.1:5432, trust auth), dropped by
/// [`Postgres::drop`]. Set `MIZAN_TEST_POSTGRES` to use another server.
pub(crate) struct Postgres {
    admin: DatabaseConnection,
    name: String,
    pub(crate) db: DatabaseConnection,
}

impl Postgres {
    pub(crate) async fn fresh() -> Self {
        let server =
            std::env::var("MIZAN_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let admin = Database::connect(format!("{server}/test"))
            .await
            .expect("PostgreSQL on 127.0.0.1:5432 (start it with `make services`)");
        let name = format!("mizan_test_{}", uuid::Uuid::new_v4().simple());
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
        // As `serve` connects: pinged only after idling (see `mizan::db::connect`).
        let db = mizan::db::connect(&format!("{server}/{name}")).await.unwrap();
        assert!(!db.get_postgres_connection_pool().options().get_test_before_acquire());
        Self { admin, name, db }
    }

    pub(crate) async fn drop(self) {
        self.db.close().await.unwrap();
        self.admin.execute_unprepared(&format!("DROP DATABASE {} WITH (FORCE)", self.name)).await.unwrap();
    }
}

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'mizan_%' ORDER BY name",
        _ => "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'mizan_%' ORDER BY table_name",
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect()
}

async fn migrations_create_the_tables_once(db: &DatabaseConnection) {
    let app = mizan::Mizan::new();
    app.migrate(db).await.unwrap();
    assert_eq!(tables(db).await, ["mizan_sessions", "mizan_users"]);
    app.migrate(db).await.expect("migrating again is a no-op");
    // The session table's foreign key cascades: deleting a user deletes its sessions.
    db.execute_unprepared(
        "INSERT INTO mizan_users (username, email, password_hash, is_active, is_staff, is_superuser, created_at) \
         VALUES ('ann', 'ann@example.com', 'x', true, false, false, CURRENT_TIMESTAMP)",
    )
    .await
    .unwrap();
    db.execute_unprepared(
        "INSERT INTO mizan_sessions (id, user_id, created_at, last_seen_at) \
         SELECT 'abc', id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM mizan_users WHERE username = 'ann'",
    )
    .await
    .unwrap();
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA foreign_keys = ON").await.unwrap();
    }
    db.execute_unprepared("DELETE FROM mizan_users WHERE username = 'ann'").await.unwrap();
    let left = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM mizan_sessions"))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(left, 0);
    let duplicate = db
        .execute_unprepared(
            "INSERT INTO mizan_users (username, email, password_hash, is_active, is_staff, is_superuser, created_at) \
             VALUES ('bo', 'a@x', 'x', true, false, false, CURRENT_TIMESTAMP), ('bo', 'b@x', 'x', true, false, false, CURRENT_TIMESTAMP)",
        )
        .await;
    assert!(duplicate.is_err(), "usernames are unique");
}

#[actix_web::test]
async fn sqlite_migrations() {
    let dir = std::env::temp_dir().join(format!("mizan-migrate-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Database::connect(format!("sqlite://{}?mode=rwc", dir.join("test.db").display())).await.unwrap();
    migrations_create_the_tables_once(&db).await;
    db.close().await.unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

#[actix_web::test]
async fn postgres_migrations() {
    let postgres = Postgres::fresh().await;
    migrations_create_the_tables_once(&postgres.db).await;
    postgres.drop().await;
}

async fn users_are_created_with_hashed_passwords(db: &DatabaseConnection) {
    use mizan::auth::users::{create_user, find_by_username, CreateUserError, NewUser};
    mizan::Mizan::new().migrate(db).await.unwrap();
    let new = |username| NewUser {
        username,
        email: "ann@example.com",
        password: "pw 1234",
        is_staff: false,
        is_superuser: false,
    };
    let user = create_user(db, new("ann")).await.unwrap();
    assert_eq!((user.username.as_str(), user.is_active, user.is_staff), ("ann", true, false));
    let stored = find_by_username(db, "ann").await.unwrap().unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"), "never the plain password");
    assert!(mizan::auth::password::verify("pw 1234", &stored.password_hash).unwrap().matches);
    assert!(matches!(create_user(db, new("ann")).await, Err(CreateUserError::UsernameTaken(_))));
    assert!(matches!(create_user(db, new("a b")).await, Err(CreateUserError::InvalidUsername)));
    let superuser = create_user(db, NewUser { is_superuser: true, ..new("root") }).await.unwrap();
    assert!(superuser.is_staff, "superusers are staff");
}

#[actix_web::test]
async fn sqlite_users() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    users_are_created_with_hashed_passwords(&db).await;
}

#[actix_web::test]
async fn postgres_users() {
    let postgres = Postgres::fresh().await;
    users_are_created_with_hashed_passwords(&postgres.db).await;
    postgres.drop().await;
}
