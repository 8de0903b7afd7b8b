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

/// Runs `future` as the handling of request `id`.
pub(crate) async fn scope<F: Future>(id: String, future: F) -> F::Output {
    REQUEST_ID.scope(id, future).await
}
