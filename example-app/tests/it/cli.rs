//! The app binary's `createsuperuser` and `migrate` commands, run as processes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use mizan::auth::{password, users};

struct TempDb {
    dir: std::path::PathBuf,
}

impl TempDb {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("mizan-cli-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.dir.join("app.db").display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn app(db: &TempDb, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_example-app"))
        .args(args)
        .env("DATABASE_URL", db.url())
        .env_remove("MIZAN_SUPERUSER_PASSWORD")
        .env_remove("MIZAN_SUPERUSER_USERNAME")
        .env_remove("MIZAN_SUPERUSER_EMAIL")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

async fn stored(db: &TempDb, username: &str) -> Option<users::entity::Model> {
    let connection = sea_orm::Database::connect(db.url()).await.unwrap();
    let user = users::find_by_username(&connection, username).await.unwrap();
    connection.close().await.unwrap();
    user
}

#[actix_web::test]
async fn createsuperuser_from_flags_and_environment() {
    let db = TempDb::new();
    let output = app(
        &db,
        &["createsuperuser", "--username", "admin", "--no-input"],
        &[("MIZAN_SUPERUSER_EMAIL", "admin@example.com"), ("MIZAN_SUPERUSER_PASSWORD", "s3cret pass")],
        "",
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("created superuser `admin`"));
    let user = stored(&db, "admin").await.expect("the user exists");
    assert!(user.is_superuser && user.is_staff && user.is_active);
    assert_eq!(user.email, "admin@example.com");
    assert!(password::verify("s3cret pass", &user.password_hash).unwrap().matches);

    let again = app(
        &db,
        &["createsuperuser", "--username", "admin", "--email", "x@example.com", "--no-input"],
        &[("MIZAN_SUPERUSER_PASSWORD", "other")],
        "",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("taken"), "{}", String::from_utf8_lossy(&again.stderr));
}

#[actix_web::test]
async fn createsuperuser_asks_for_what_is_missing() {
    let db = TempDb::new();
    let output = app(&db, &["createsuperuser"], &[], "root\nroot@example.com\nhunter2 hunter2\nhunter2 hunter2\n");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let user = stored(&db, "root").await.expect("the user exists");
    assert!(password::verify("hunter2 hunter2", &user.password_hash).unwrap().matches);

    let mismatch = app(&db, &["createsuperuser"], &[], "other\nother@example.com\none\ntwo\n");
    assert!(!mismatch.status.success());
    assert!(String::from_utf8_lossy(&mismatch.stderr).contains("do not match"));
    assert!(stored(&db, "other").await.is_none());
}

#[actix_web::test]
async fn createsuperuser_without_input_names_what_is_missing() {
    let db = TempDb::new();
    let output = app(&db, &["createsuperuser", "--no-input"], &[], "");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("Username is missing"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[actix_web::test]
async fn migrate_creates_the_tables() {
    let db = TempDb::new();
    let output = app(&db, &["migrate"], &[], "");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stored(&db, "nobody").await.is_none(), "the users table exists and is empty");
}

#[test]
fn a_production_server_refuses_to_start_without_a_secret_key() {
    let db = TempDb::new();
    let output = app(&db, &["serve"], &[("MIZAN_DEV", "0"), ("MIZAN_SECRET_KEY", "")], "");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("MIZAN_SECRET_KEY is not set") && stderr.contains("openssl rand -hex 32"),
        "the message says what is missing and how to make it: {stderr}"
    );
    assert!(!db.dir.join("app.db").exists(), "nothing was started");

    let output = app(&db, &["serve"], &[("MIZAN_DEV", "0"), ("MIZAN_SECRET_KEY", "short")], "");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid MIZAN_SECRET_KEY") && stderr.contains("at least 32"), "{stderr}");
    assert!(!stderr.contains("short\""), "the key is not echoed: {stderr}");
}

#[test]
fn database_passwords_stay_out_of_the_output() {
    let db = TempDb::new();
    let key = "0123456789abcdef".repeat(4);
    for url in [
        // No server (a socket that does not exist; a refused TCP connection is retried for 30 s).
        "postgres://u:s3cretpw@localhost/db?host=/nonexistent/mizan-test",
        // URLs the database layer quotes in its errors: no driver, unparseable.
        "mysql://u:s3cretpw@127.0.0.1:1/db",
        "postgres://u:s3cretpw@[bad/db",
    ] {
        for args in
            [&["migrate"][..], &["serve"], &["createsuperuser", "--username", "a", "--email", "a@b.c", "--no-input"]]
        {
            let env = [
                ("DATABASE_URL", url),
                ("MIZAN_DEV", "0"),
                ("MIZAN_SECRET_KEY", key.as_str()),
                ("MIZAN_SUPERUSER_PASSWORD", "pass word 1"),
                ("MIZAN_ADDR", "127.0.0.1:0"),
            ];
            let output = app(&db, args, &env, "");
            let shown =
                format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
            assert!(!output.status.success(), "{args:?} {url}: {shown}");
            assert!(shown.contains("cannot open the database") && shown.contains(":***@"), "{args:?} {url}: {shown}");
            assert!(!shown.contains("s3cretpw"), "{args:?} {url}: {shown}");
        }
    }
}
