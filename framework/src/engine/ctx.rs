//! [`Ctx`]: what a server function can see of its request and of the app.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::cookie::Cookie;
use actix_web::HttpRequest;
use sea_orm::DatabaseConnection;

use crate::core::error::Error;
use crate::core::protocol::ErrorCode;
use crate::engine::auth::throttle::Throttle;
use crate::engine::auth::{Accounts, Authenticator, User};
use crate::engine::channels::Channels;

/// What the contexts of an app share: built once with the app.
pub(crate) struct Services {
    pub(crate) db: Option<DatabaseConnection>,
    pub(crate) authenticator: Arc<dyn Authenticator>,
    pub(crate) channels: Option<Channels>,
    /// Sessions and login throttling (apps with a database).
    pub(crate) accounts: Option<Arc<Accounts>>,
    /// Rate-limit counts ([`Ctx::rate_limit`], login, sign-up).
    pub(crate) throttle: Arc<Throttle>,
}

/// The request context handed to server functions that take a `&Ctx` (or `Ctx`) argument.
///
/// Cloning is cheap; clones share the resolved user and the invalidation list.
#[derive(Clone)]
pub struct Ctx {
    inner: Rc<Inner>,
}

struct Inner {
    request: HttpRequest,
    services: Arc<Services>,
    /// Resolved once per request, even when several functions of it ask concurrently.
    user: tokio::sync::OnceCell<Option<User>>,
    invalidate: RefCell<Vec<String>>,
    /// Invalidations for other clients: `None` for everyone, or one user's.
    pushed: RefCell<Vec<(Option<i32>, String)>>,
    cookies: RefCell<Vec<Cookie<'static>>>,
}

impl Ctx {
    pub(crate) fn new(request: HttpRequest, services: Arc<Services>) -> Self {
        let inner = Inner {
            request,
            services,
            user: tokio::sync::OnceCell::new(),
            invalidate: RefCell::default(),
            pushed: RefCell::default(),
            cookies: RefCell::default(),
        };
        Self { inner: Rc::new(inner) }
    }

    /// The HTTP request (headers, peer address, URI).
    pub fn request(&self) -> &HttpRequest {
        &self.inner.request
    }

    /// The logged-in user, or `None` for anonymous callers (and inactive users).
    ///
    /// Resolved on first use and cached for the rest of the request.
    pub async fn user(&self) -> Result<Option<&User>, Error> {
        let inner = &self.inner;
        let user = inner
            .user
            .get_or_try_init(|| async {
                let user = inner.services.authenticator.authenticate(&inner.request).await?;
                Ok::<_, Error>(user.filter(|user| user.is_active))
            })
            .await?;
        Ok(user.as_ref())
    }

    /// The database connection.
    ///
    /// Fails with `UNAVAILABLE` when the app was assembled without a database.
    pub fn db(&self) -> Result<&DatabaseConnection, Error> {
        self.inner.services.db.as_ref().ok_or_else(|| Error::new(ErrorCode::Unavailable, "no database is configured"))
    }

    /// Typed app state registered with `App::app_data(web::Data::new(value))`.
    pub fn state<T: 'static>(&self) -> Option<&T> {
        self.inner.request.app_data::<actix_web::web::Data<T>>().map(|data| data.get_ref())
    }

    /// Asks the client to refetch the context `key` after this call: a context name
    /// (`"counter"`) or a name with canonical arguments (`greet?{"name":"Ann"}`).
    pub fn invalidate(&self, key: impl Into<String>) {
        self.inner.invalidate.borrow_mut().push(key.into());
    }

    /// As [`invalidate`](Ctx::invalidate), and also every other connected client refetches
    /// `key` (pushed on its channel socket once the call succeeded, in every process with the
    /// Redis layer): for data everyone sees, such as a shared counter. Needs an app with a
    /// channel layer; clients listen with `<MizanProvider live>`.
    pub fn invalidate_for_all(&self, key: impl Into<String>) {
        let key = key.into();
        self.inner.pushed.borrow_mut().push((None, key.clone()));
        self.invalidate(key);
    }

    /// Makes the clients of user `user_id` (every tab and device) refetch `key` once the call
    /// succeeded: for data only they see, changed by someone else (an admin, another user).
    /// The caller refetches it too when it is that user.
    pub fn invalidate_for_user(&self, user_id: i32, key: impl Into<String>) {
        self.inner.pushed.borrow_mut().push((Some(user_id), key.into()));
    }

    /// What [`invalidate_for_all`](Ctx::invalidate_for_all) and
    /// [`invalidate_for_user`](Ctx::invalidate_for_user) asked for.
    pub(crate) fn take_pushed(&self) -> Vec<(Option<i32>, String)> {
        std::mem::take(&mut self.inner.pushed.borrow_mut())
    }

    /// Sends `message` to every subscriber of the group that `params` select in channel `C`
    /// (`ctx.broadcast::<Chat>(&ChatParams { room }, &message)`), in this process or, with
    /// the Redis layer, in every process.
    ///
    /// Fails with `UNAVAILABLE` when the app has no channels or the layer is down.
    pub async fn broadcast<C: crate::engine::channels::Channel>(
        &self,
        params: &C::Params,
        message: &C::ServerMessage,
    ) -> Result<(), Error> {
        self.channels()?.broadcast::<C>(params, message).await
    }

    /// The app's channels, to broadcast to a group by name or hand to a background task.
    pub fn channels(&self) -> Result<&Channels, Error> {
        self.inner
            .services
            .channels
            .as_ref()
            .ok_or_else(|| Error::new(ErrorCode::Unavailable, "this app has no channels"))
    }

    /// The client's address: the peer's, or behind a trusted proxy
    /// ([`Mizan::trusted_proxies`](crate::Mizan::trusted_proxies)) the nearest untrusted
    /// address of `X-Forwarded-For`.
    pub fn client_ip(&self) -> Option<std::net::IpAddr> {
        crate::engine::request::client_ip(&self.inner.request)
    }

    /// Counts one attempt of `scope` from the client's address (behind a trusted proxy, the
    /// address it forwards) and fails with `RATE_LIMITED` past `limit`: for functions that
    /// reveal or cost something, such as a username-availability check.
    ///
    /// ```
    /// # use std::time::Duration;
    /// use mizan::auth::throttle::RateLimit;
    ///
    /// #[mizan::client]
    /// async fn username_free(ctx: &mizan::Ctx, username: String) -> mizan::Result<bool> {
    ///     ctx.rate_limit("username_free", RateLimit::new(30, Duration::from_secs(600))).await?;
    ///     Ok(mizan::auth::users::find_by_username(ctx.db()?, &username).await?.is_none())
    /// }
    /// ```
    ///
    /// Counts are kept in this process, or in Redis when the app uses
    /// [`Throttle::redis`](crate::auth::throttle::Throttle::redis) (the CLI does when
    /// `REDIS_URL` is set).
    pub async fn rate_limit(&self, scope: &str, limit: crate::auth::throttle::RateLimit) -> Result<(), Error> {
        let address = crate::engine::request::address_key(&self.inner.request);
        self.inner.services.throttle.attempt(&format!("app:{scope}:{address}"), limit).await
    }

    /// Tells the channel sockets of user `user_id` (in every process) that the user's sessions
    /// or permissions changed: they find their user again, close if the session ended, and
    /// end the subscriptions the user may no longer have. Call it after changing what a user
    /// may do; see [`Channels::user_changed`](crate::channels::Channels::user_changed).
    ///
    /// Does nothing in an app without channels; fails with `UNAVAILABLE` when the other
    /// processes could not be told (this process's sockets were).
    pub async fn user_changed(&self, user_id: i32) -> Result<(), Error> {
        match &self.inner.services.channels {
            Some(channels) => channels.user_changed(user_id).await,
            None => Ok(()),
        }
    }

    /// Adds a cookie to the response of this call.
    pub fn set_cookie(&self, cookie: Cookie<'static>) {
        self.inner.cookies.borrow_mut().push(cookie);
    }

    /// Sets the user of a fresh context, already resolved elsewhere (a channel socket's
    /// re-check), so that it is not looked up again.
    pub(crate) fn preset_user(&self, user: Option<User>) {
        let _ = self.inner.user.set(user.filter(|user| user.is_active));
    }

    /// The cookies set with [`Ctx::set_cookie`].
    pub(crate) fn take_cookies(&self) -> Vec<Cookie<'static>> {
        std::mem::take(&mut self.inner.cookies.borrow_mut())
    }

    /// Sessions and login throttling (apps with a database).
    pub(crate) fn accounts(&self) -> Result<&Accounts, Error> {
        self.inner
            .services
            .accounts
            .as_deref()
            .ok_or_else(|| Error::new(ErrorCode::Unavailable, "accounts need a database"))
    }

    /// The keys passed to [`Ctx::invalidate`] so far.
    pub(crate) fn invalidations(&self) -> Vec<String> {
        self.inner.invalidate.borrow().clone()
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("path", &self.inner.request.path()).finish_non_exhaustive()
    }
}
