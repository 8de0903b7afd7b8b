//! The built-in server functions `auth.login`, `auth.logout`, `auth.signup`,
//! `auth.change_password` and the global context `current_user`.
//!
//! Register them with `Mizan::new().functions(mizan::auth::functions())`.

use actix_web::web;
use chrono::Utc;
use schemars::JsonSchema;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::Serialize;

use super::password::{self, Verified, MAX_PASSWORD_BYTES};
use super::sessions::SESSION_COOKIE;
use super::users::{self, CreateUserError, NewUser};
use super::{Accounts, User};
use crate::registry::FunctionDef;
use crate::{Ctx, Error, ErrorCode};

/// The logged-in user as the client sees it (`useCurrentUser()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CurrentUser {
    /// Database id.
    pub id: i32,
    /// Login name.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Staff flag.
    pub is_staff: bool,
    /// Superuser flag.
    pub is_superuser: bool,
}

impl From<&User> for CurrentUser {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            username: user.username.clone(),
            email: user.email.clone(),
            is_staff: user.is_staff,
            is_superuser: user.is_superuser,
        }
    }
}

/// The built-in account functions, for [`Mizan::functions`](crate::Mizan::functions).
pub fn functions() -> Vec<FunctionDef> {
    crate::fns![login, logout, signup, change_password, current_user]
}

/// The same answer for an unknown user, a wrong password and an inactive account.
fn invalid_credentials() -> Error {
    Error::new(ErrorCode::Unauthenticated, "invalid username or password")
}

/// Runs the (CPU-heavy) password check off the worker thread.
async fn verify(candidate: String, stored: Option<String>) -> Result<Verified, Error> {
    web::block(move || match stored {
        Some(stored) => {
            password::verify(&candidate, &stored).unwrap_or(Verified { matches: false, needs_rehash: false })
        }
        None => {
            // Unknown users cost one hash too, so timing does not tell them apart.
            password::verify_dummy(&candidate);
            Verified { matches: false, needs_rehash: false }
        }
    })
    .await
    .map_err(Error::internal)
}

async fn hash(password: String) -> Result<String, Error> {
    password::hash_off_worker(password).await.map_err(|error| Error::bad_request(error.to_string()))
}

/// Starts a session for `user_id`: ends the request's current session (no fixation), sets
/// the new session cookie and rotates the CSRF token.
async fn start_session(ctx: &Ctx, accounts: &Accounts, user_id: i32) -> Result<(), Error> {
    if let Some(old) = crate::engine::request::request_cookie(ctx.request(), SESSION_COOKIE) {
        accounts.sessions.end(old).await?;
    }
    let token = accounts.sessions.start(user_id).await?;
    let tls = crate::engine::request::is_secure(ctx.request());
    ctx.set_cookie(accounts.sessions.cookie(token, tls));
    ctx.set_cookie(crate::engine::request::fresh_csrf_cookie(ctx.request()));
    Ok(())
}

/// Logs in with a username and password; starts a new session. Failed attempts are limited
/// per username and address, and per username (`RATE_LIMITED`).
// Each attempt is counted before the password is checked (`AccountLimits`); a successful
// login takes its attempt back and clears its address's count.
#[mizan::client(name = "auth.login", invalidates = ["current_user"])]
pub async fn login(ctx: &Ctx, username: String, password: String) -> mizan::Result<CurrentUser> {
    let accounts = ctx.accounts()?;
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::bad_request(format!("passwords are at most {MAX_PASSWORD_BYTES} bytes")));
    }
    if username.chars().count() > users::MAX_USERNAME_CHARS {
        // No account has such a name; nothing is counted or stored for it.
        return Err(invalid_credentials());
    }
    let key = users::username_key(&username);
    let per_address = format!("login:{}:{key}", crate::engine::request::address_key(ctx.request()));
    let per_account = format!("login:*:{key}");
    accounts.throttle.attempt(&per_address, accounts.limits.login_per_address).await?;
    if let Err(error) = accounts.throttle.attempt(&per_account, accounts.limits.login_per_account).await {
        accounts.throttle.refund(&per_address).await;
        return Err(error);
    }
    let db = ctx.db()?;
    let user = users::find_by_username(db, &username).await?;
    let verified = verify(password.clone(), user.as_ref().map(|user| user.password_hash.clone())).await?;
    let user = match user {
        Some(user) if verified.matches && user.is_active => user,
        // The attempts stay counted: they were failures.
        _ => return Err(invalid_credentials()),
    };
    accounts.throttle.reset(&per_address).await;
    accounts.throttle.refund(&per_account).await;
    let mut active: users::entity::ActiveModel = user.clone().into();
    if verified.needs_rehash {
        active.password_hash = Set(hash(password).await?);
    }
    active.last_login = Set(Some(Utc::now()));
    let user = active.update(db).await?;
    start_session(ctx, accounts, user.id).await?;
    Ok(CurrentUser::from(&User::from(user)))
}

/// Logs out: ends the session on the server and clears its cookie.
#[mizan::client(name = "auth.logout", invalidates = ["current_user"])]
pub async fn logout(ctx: &Ctx) -> mizan::Result<()> {
    let accounts = ctx.accounts()?;
    let user = ctx.user().await.ok().flatten().map(|user| user.id);
    if let Some(token) = crate::engine::request::request_cookie(ctx.request(), SESSION_COOKIE) {
        accounts.sessions.end(token).await?;
    }
    crate::channels::user_changed(ctx, user).await;
    let tls = crate::engine::request::is_secure(ctx.request());
    ctx.set_cookie(accounts.sessions.removal_cookie(tls));
    ctx.set_cookie(crate::engine::request::fresh_csrf_cookie(ctx.request()));
    Ok(())
}

/// Creates an account and logs it in.
#[mizan::client(name = "auth.signup", invalidates = ["current_user"])]
pub async fn signup(
    ctx: &Ctx,
    #[validate(length(min = 1, max = 150))] username: String,
    #[validate(email)] email: String,
    #[validate(length(min = 8, max = 1024, message = "use 8 to 1024 characters"))] password: String,
) -> mizan::Result<CurrentUser> {
    sign_up(ctx, &username, &email, &password).await
}

/// Creates an account and logs it in, as `auth.signup` does: for an app's own sign-up form.
/// A taken or invalid username, an invalid email and a refused password come back as
/// `VALIDATION` errors on `username`, `email` and `password`. Attempts are limited per client
/// address ([`AccountLimits::signup_per_address`](super::throttle::AccountLimits)), and the
/// password is hashed off the async worker whether or not the name is taken.
pub async fn sign_up(ctx: &Ctx, username: &str, email: &str, password: &str) -> mizan::Result<CurrentUser> {
    let accounts = ctx.accounts()?;
    let db = ctx.db()?;
    accounts
        .throttle
        .attempt(
            &format!("signup:{}", crate::engine::request::address_key(ctx.request())),
            accounts.limits.signup_per_address,
        )
        .await?;
    let new = NewUser { username, email, password, is_staff: false, is_superuser: false };
    let user = match users::create_user_with(db, new, accounts.username_policy).await {
        Ok(user) => user,
        Err(CreateUserError::UsernameTaken(_)) => {
            return Err(Error::invalid_field("username", "this username is taken"))
        }
        Err(CreateUserError::InvalidUsername) => {
            let message = match accounts.username_policy {
                users::UsernamePolicy::Ascii => "use 1 to 150 letters (a-z), digits and @ . + - _",
                users::UsernamePolicy::Unicode => "use 1 to 150 letters of one script, digits and @ . + - _",
            };
            return Err(Error::invalid_field("username", message));
        }
        Err(CreateUserError::InvalidEmail) => {
            return Err(Error::invalid_field("email", "must be a valid email address"))
        }
        Err(CreateUserError::InvalidPassword(reason)) => return Err(Error::invalid_field("password", reason)),
        Err(CreateUserError::Database(error)) => return Err(error.into()),
    };
    start_session(ctx, accounts, user.id).await?;
    Ok(CurrentUser::from(&user))
}

/// Changes the logged-in user's password and ends their other sessions.
#[mizan::client(name = "auth.change_password", auth = true)]
pub async fn change_password(
    ctx: &Ctx,
    old_password: String,
    #[validate(length(min = 8, max = 1024, message = "use 8 to 1024 characters"))] new_password: String,
) -> mizan::Result<()> {
    let accounts = ctx.accounts()?;
    let db = ctx.db()?;
    let Some(user) = ctx.user().await?.cloned() else { return Err(Error::unauthenticated()) };
    let Some(stored) = users::entity::Entity::find_by_id(user.id).one(db).await? else {
        return Err(Error::unauthenticated());
    };
    if old_password.len() > MAX_PASSWORD_BYTES
        || !verify(old_password, Some(stored.password_hash.clone())).await?.matches
    {
        return Err(Error::invalid_field("old_password", "the current password is wrong"));
    }
    let mut active: users::entity::ActiveModel = stored.into();
    active.password_hash = Set(hash(new_password).await?);
    active.update(db).await?;
    let current = crate::engine::request::request_cookie(ctx.request(), SESSION_COOKIE);
    accounts.sessions.end_all_for(user.id, current).await?;
    crate::channels::user_changed(ctx, Some(user.id)).await;
    Ok(())
}

/// The logged-in user, or `null` for anonymous visitors.
#[mizan::client(context = "global")]
pub async fn current_user(ctx: &Ctx) -> mizan::Result<Option<CurrentUser>> {
    Ok(ctx.user().await?.map(CurrentUser::from))
}
