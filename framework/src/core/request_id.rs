//! The id of the request being handled on this task: the HTTP layer sets it for every API
//! call and page ([`scope`]), errors logged meanwhile carry it.

use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled on this task, if any.
pub(crate) fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// `future` as the handling of request `id`. (Not an `async fn`: a page's or a call's future
/// is large, and every async layer around it would copy it once more per request.)
pub(crate) fn scope<F: Future>(id: String, future: F) -> tokio::task::futures::TaskLocalFuture<String, F> {
    REQUEST_ID.scope(id, future)
}
