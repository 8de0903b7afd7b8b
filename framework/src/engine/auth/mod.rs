//! Who is calling: the [`User`], the [`Authenticator`] that finds it for a request, and the
//! per-function [`AuthLevel`] checked before a function runs.

pub mod functions;
pub mod password;
pub mod sessions;
pub mod throttle;
mod user_entity;
pub mod users;

use std::sync::Arc;

use actix_web::HttpRequest;
use futures_util::future::LocalBoxFuture;
use serde::Serialize;

use crate::{Ctx, Error};

/// A user account as server functions see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Database id.
    pub id: i32,
    /// Unique login name.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Inactive users are treated as anonymous.
    pub is_active: bool,
    /// May call `auth = "staff"` functions.
    pub is_staff: bool,
    /// May call everything.
    pub is_superuser: bool,
}

/// Finds the user behind a request (from a session cookie, a token, ...).
///
/// Mizan calls it at most once per request, the first time the user is needed.
pub trait Authenticator: Send + Sync + 'static {
    /// The user of `request`, or `None` when anonymous.
    fn authenticate<'a>(&'a self, request: &'a HttpRequest) -> LocalBoxFuture<'a, Result<Option<User>, Error>>;
}

/// The default authenticator: every request is anonymous.
#[derive(Debug, Clone, Copy, Default)]
pub struct Anonymous;

impl Authenticator for Anonymous {
    fn authenticate<'a>(&'a self, _request: &'a HttpRequest) -> LocalBoxFuture<'a, Result<Option<User>, Error>> {
        Box::pin(async { Ok(None) })
    }
}

pub use functions::{functions, sign_up, CurrentUser};

/// Sessions, rate limits and username rules of an app with a database.
#[derive(Debug)]
pub(crate) struct Accounts {
    pub(crate) sessions: sessions::Sessions,
    pub(crate) throttle: Arc<throttle::Throttle>,
    pub(crate) limits: throttle::AccountLimits,
    pub(crate) username_policy: users::UsernamePolicy,
}

/// The default authenticator of an app with a database: the session cookie's user.
impl Authenticator for sessions::Sessions {
    fn authenticate<'a>(&'a self, request: &'a HttpRequest) -> LocalBoxFuture<'a, Result<Option<User>, Error>> {
        Box::pin(async move {
            let Some(token) = crate::engine::request::request_cookie(request, sessions::SESSION_COOKIE) else {
                return Ok(None);
            };
            Ok(self.resolve(token).await?.map(User::from))
        })
    }
}

pub use crate::core::function::AuthLevel;

/// A custom auth predicate, as `#[mizan::client(auth = path)]` wraps it.
pub type Predicate = Arc<dyn Fn(Ctx) -> LocalBoxFuture<'static, Result<bool, Error>> + Send + Sync>;

/// Checks `level` for the caller of `ctx`: `UNAUTHENTICATED` when a user is needed and there is
/// none, `FORBIDDEN` when the user is not allowed. A predicate that fails or panics denies.
pub(crate) async fn authorize(level: AuthLevel, predicate: Option<&Predicate>, ctx: &Ctx) -> Result<(), Error> {
    let user = match level {
        AuthLevel::Anonymous => return Ok(()),
        _ => ctx.user().await?,
    };
    let allowed = match level {
        AuthLevel::Anonymous => true,
        AuthLevel::Authenticated => user.is_some(),
        AuthLevel::Staff => user.is_some_and(|user| user.is_staff || user.is_superuser),
        AuthLevel::Superuser => user.is_some_and(|user| user.is_superuser),
        AuthLevel::Custom(path) => {
            let Some(predicate) = predicate else {
                tracing::error!(predicate = path, "auth predicate missing; denying");
                return Err(Error::forbidden("you are not allowed to call this function"));
            };
            match crate::engine::invoke::catch_panic(predicate(ctx.clone())).await {
                Ok(Ok(allowed)) => allowed,
                Ok(Err(error)) => {
                    tracing::error!(predicate = path, %error, "auth predicate failed; denying");
                    false
                }
                Err(panic) => {
                    tracing::error!(predicate = path, panic = %panic, "auth predicate panicked; denying");
                    false
                }
            }
        }
    };
    match (allowed, user) {
        (true, _) => Ok(()),
        (false, None) => Err(Error::unauthenticated()),
        (false, Some(_)) => Err(Error::forbidden("you are not allowed to call this function")),
    }
}
