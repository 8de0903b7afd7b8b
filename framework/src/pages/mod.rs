//! Server-rendered pages: global contexts → React in the embedded engine → the page shell.

mod assets;
mod cache;
mod json;

use std::sync::{Arc, Mutex, RwLock};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

pub(crate) use assets::LoadedFrontend;
pub use assets::{EmbeddedFiles, Frontend, FrontendError};
pub use json::script_safe_json;

use crate::app::Shared;
use crate::invalidation::split_key;
use crate::protocol::{SSR_DATA_GLOBAL, SSR_LOCAL_KEY};
use crate::rpc::{failure_marker, global_context_bundle, push_json_string, resolve_context};
use crate::Ctx;

/// The default page shell; replace it with [`Mizan::shell_template`](crate::Mizan::shell_template).
pub const DEFAULT_SHELL: &str = include_str!("../../templates/shell.html");

/// URL prefix of the frontend's client files.
pub(crate) const STATIC_PREFIX: &str = "/static";

/// The page renderer of an app with a frontend.
pub(crate) struct Pages {
    frontend: RwLock<Arc<LoadedFrontend>>,
    /// In dev mode: where the build lives and how it looked when loaded, to reload it when
    /// the frontend is rebuilt.
    reload: Option<Reload>,
    cache: Option<cache::PageCache>,
    pub(crate) shell: minijinja::Environment<'static>,
    pub(crate) title: String,
}

struct Reload {
    source: Frontend,
    limits: mizan_ssr::Limits,
    stamp: Mutex<Option<assets::Stamp>>,
}

impl Pages {
    pub(crate) fn new(
        source: &Frontend,
        limits: mizan_ssr::Limits,
        dev: bool,
        cache_bytes: Option<usize>,
        shell: String,
        title: String,
    ) -> Result<Self, crate::BuildError> {
        let stamp = source.stamp();
        let frontend = source.load(limits)?;
        let mut env = minijinja::Environment::new();
        env.add_template_owned("shell.html", shell)?;
        // An embedded frontend cannot change while the process runs.
        let reload =
            (dev && !source.is_embedded()).then(|| Reload { source: source.clone(), limits, stamp: Mutex::new(stamp) });
        let cache = cache_bytes.map(cache::PageCache::new);
        Ok(Self { frontend: RwLock::new(Arc::new(frontend)), reload, cache, shell: env, title })
    }

    /// The current build. In dev mode, a build that changed on disk since it was loaded is
    /// loaded again first (two `stat` calls per request); a build that fails to load (e.g.
    /// half written) is reported and the previous one kept.
    pub(crate) fn frontend(&self) -> Arc<LoadedFrontend> {
        if let Some(reload) = &self.reload {
            let stamp = reload.source.stamp();
            let mut seen = reload.stamp.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if stamp != *seen {
                match reload.source.load(reload.limits) {
                    Ok(fresh) => {
                        tracing::info!(dist = %reload.source.dist().display(), "frontend build changed: reloaded");
                        *self.frontend.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(fresh);
                        *seen = stamp;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "frontend build changed but could not be loaded; keeping the previous one")
                    }
                }
            }
        }
        Arc::clone(&self.frontend.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

/// Registers `/static/` and, as the app's default service, the pages: every GET that no
/// other route of the app matches is rendered.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope(STATIC_PREFIX).default_service(web::get().to(static_file))).default_service(web::to(page));
}

async fn static_file(request: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let Some(pages) = &shared.pages else { return HttpResponse::NotFound().finish() };
    let file = request.path().strip_prefix(STATIC_PREFIX).unwrap_or_default().trim_start_matches('/');
    match pages.frontend().files.get(file) {
        Some(bytes) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, assets::content_type(file)))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(bytes.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn page(request: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    crate::request_log::traced(&request.clone(), render_page(request, shared)).await
}

async fn render_page(request: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if !matches!(*request.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD) {
        return HttpResponse::MethodNotAllowed().insert_header((header::ALLOW, "GET, HEAD")).finish();
    }
    let Some(pages) = &shared.pages else {
        return HttpResponse::NotFound().body("this Mizan app has no frontend");
    };
    let ctx = shared.ctx(request.clone());
    let url = serde_json::to_string(&request.uri().to_string()).expect("strings serialise");
    let frontend = pages.frontend();
    let (ssr_data, output) = render_with_contexts(&shared, pages, &ctx, &frontend.server_bundle, &url).await;
    let (html, status, head) = match output {
        Ok(output) => (output.html, output.status, output.head),
        Err(error) => {
            // The client renders the page from the embedded data instead.
            tracing::error!(path = request.path(), %error, "server-side render failed; serving the client-rendered shell");
            (String::new(), 200, String::new())
        }
    };

    let manifest = &frontend.manifest;
    let context = minijinja::context! {
        lang => "en",
        title => &pages.title,
        has_title => head.contains("<title>"),
        head => head,
        html => html,
        ssr_global => SSR_DATA_GLOBAL,
        ssr_data => script_safe_json(&ssr_data),
        scripts => vec![format!("{STATIC_PREFIX}/{}", manifest.client)],
        styles => manifest.css.iter().map(|css| format!("{STATIC_PREFIX}/{css}")).collect::<Vec<_>>(),
    };
    let body = match pages.shell.get_template("shell.html").and_then(|template| template.render(context)) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "rendering the page shell failed");
            return HttpResponse::InternalServerError().body("internal server error");
        }
    };
    let status = actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut response = HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body);
    crate::csrf::ensure_cookie(&request, &mut response);
    response
}

/// How many times a page is rendered at most to discover the local contexts it uses: a
/// provider nested in another one's output shows up only once the outer one has its data.
pub const MAX_RENDER_PASSES: usize = 3;

/// Most local contexts one page may ask for.
const MAX_LOCAL_CONTEXTS: usize = 64;

/// Renders the page, resolving the local contexts it asks for.
///
/// The first pass renders with the global contexts and no local ones; every local context the
/// render reports missing is resolved (concurrently, with the request's auth, as
/// `GET /context/{name}` would) and the page is rendered again with them under `"$local"`,
/// until nothing is missing or [`MAX_RENDER_PASSES`] is reached. Returns the SSR data, as JSON
/// text, and the last render's outcome.
async fn render_with_contexts(
    shared: &Shared,
    pages: &Pages,
    ctx: &Ctx,
    bundle: &mizan_ssr::Bundle,
    url: &str,
) -> (String, Result<mizan_ssr::RenderOutput, mizan_ssr::SsrError>) {
    let globals = global_context_bundle(shared, ctx).await;
    let resolve_all = |keys: Vec<String>| async move {
        let values = futures_util::future::join_all(keys.iter().map(|key| async move {
            let (name, args) = split_key(key);
            match resolve_context(shared, ctx, name, args.unwrap_or("{}").as_bytes()).await {
                Ok(value) => value,
                Err(error) => failure_marker(name, &error),
            }
        }))
        .await;
        keys.into_iter().zip(values).collect::<Vec<_>>()
    };
    let cache_key = pages.cache.as_ref().map(|_| cache::PageCache::key(url, &globals));
    if let (Some(cache), Some(key)) = (&pages.cache, &cache_key) {
        if let Some(entry) = cache.get(key) {
            // Same URL and globals; the page is reused only if its local contexts still match.
            let locals = resolve_all(entry.locals.iter().map(|(key, _)| key.clone()).collect()).await;
            if locals == entry.locals {
                let output = mizan_ssr::RenderOutput {
                    html: entry.html,
                    status: entry.status,
                    head: entry.head,
                    missing: Vec::new(),
                };
                return (ssr_data_json(&globals, &locals), Ok(output));
            }
        }
    }
    // Local context values (JSON text) by key, in the order they were first asked for.
    let mut locals: Vec<(String, String)> = Vec::new();
    let mut pass = 0;
    loop {
        pass += 1;
        let ssr_data = ssr_data_json(&globals, &locals);
        let render_request = format!(r#"{{"url":{url},"ssrData":{ssr_data}}}"#);
        let started = std::time::Instant::now();
        let output = mizan_ssr::render(bundle, &render_request);
        tracing::debug!(url, pass, micros = started.elapsed().as_micros() as u64, "rendered");
        let wanted: Vec<String> = match &output {
            Ok(output) => output
                .missing
                .iter()
                .filter(|key| !locals.iter().any(|(known, _)| known == *key))
                .take(MAX_LOCAL_CONTEXTS.saturating_sub(locals.len()))
                .cloned()
                .collect(),
            Err(_) => Vec::new(),
        };
        if wanted.is_empty() || pass == MAX_RENDER_PASSES {
            if !wanted.is_empty() {
                tracing::warn!(missing = ?wanted, "page still asks for local contexts after {MAX_RENDER_PASSES} render passes; the client will fetch them");
            }
            if let (Some(cache), Some(key), Ok(output), true) = (&pages.cache, cache_key, &output, wanted.is_empty()) {
                let entry = cache::Entry {
                    locals,
                    html: output.html.clone(),
                    status: output.status,
                    head: output.head.clone(),
                };
                cache.insert(key, entry);
            }
            return (ssr_data, output);
        }
        locals.extend(resolve_all(wanted).await);
    }
}

/// `{<globals>, "$local": {<key>: <value>, ...}}` as JSON text; `globals` lacks its closing brace.
fn ssr_data_json(globals: &str, locals: &[(String, String)]) -> String {
    let mut data =
        String::with_capacity(globals.len() + 16 + locals.iter().map(|(k, v)| k.len() + v.len() + 8).sum::<usize>());
    data.push_str(globals);
    if data.len() > 1 {
        data.push(',');
    }
    push_json_string(&mut data, SSR_LOCAL_KEY);
    data.push_str(":{");
    for (i, (key, value)) in locals.iter().enumerate() {
        if i > 0 {
            data.push(',');
        }
        push_json_string(&mut data, key);
        data.push(':');
        data.push_str(value);
    }
    data.push_str("}}");
    data
}
