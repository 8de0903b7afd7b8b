//! Server-rendered pages: global contexts → React in the embedded engine → the page shell.

mod assets;
mod batch;
mod cache;
mod json;

use std::sync::{Arc, Mutex, RwLock};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

pub(crate) use assets::LoadedFrontend;
pub use assets::{EmbeddedFiles, Frontend, FrontendError};
pub use json::script_safe_json;

use crate::engine::ctx::Ctx;
use crate::http::context::{failure_marker, global_context_bundle, push_json_string, resolve as resolve_context};
use crate::http::state::Shared;
use crate::invalidation::split_key;
use crate::protocol::{SSR_DATA_GLOBAL, SSR_LOCAL_KEY};

/// The default page shell; replace it with [`Mizan::shell_template`](crate::Mizan::shell_template).
pub const DEFAULT_SHELL: &str = include_str!("../../../templates/shell.html");

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

/// Why the pages could not be set up.
#[derive(Debug)]
pub(crate) enum PagesError {
    /// The frontend build could not be loaded.
    Frontend(FrontendError),
    /// The page shell template does not compile.
    Shell(minijinja::Error),
}

impl Pages {
    pub(crate) fn new(
        source: &Frontend,
        limits: mizan_ssr::Limits,
        dev: bool,
        cache_bytes: Option<usize>,
        shell: String,
        title: String,
    ) -> Result<Self, PagesError> {
        let stamp = source.stamp();
        let frontend = source.load(limits).map_err(PagesError::Frontend)?;
        let mut env = minijinja::Environment::new();
        env.add_template_owned("shell.html", shell).map_err(PagesError::Shell)?;
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

    /// In dev mode: the reports of the frontend builds that currently fail — the build tool's
    /// `errors-*.txt` files in the build directory (written while a build fails, removed when it
    /// builds again) — to show above the page. `None` when everything builds.
    fn build_errors(&self) -> Option<String> {
        let reload = self.reload.as_ref()?;
        let mut reports: Vec<_> = std::fs::read_dir(reload.source.dist())
            .ok()?
            .filter_map(Result::ok)
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.starts_with("errors-") && name.ends_with(".txt")
            })
            .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
            .filter(|report| !report.trim().is_empty())
            .collect();
        reports.sort();
        (!reports.is_empty()).then(|| reports.join("\n\n"))
    }
}

/// Registers `/static/` and, as the app's default service, the pages: every GET that no
/// other route of the app matches is rendered.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope(STATIC_PREFIX).default_service(web::get().to(static_file))).default_service(web::to(page));
}

/// `Cache-Control` of a content-hashed client file: kept for a year, never checked again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Serves a client file of the build: see [`Frontend`] for the caching and compression rules.
async fn static_file(request: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let Some(pages) = &shared.pages else { return HttpResponse::NotFound().finish() };
    let name = request.path().strip_prefix(STATIC_PREFIX).unwrap_or_default().trim_start_matches('/');
    let frontend = pages.frontend();
    let Some(file) = frontend.files.get(name) else { return HttpResponse::NotFound().finish() };
    let accept: Vec<&str> =
        request.headers().get_all(header::ACCEPT_ENCODING).filter_map(|value| value.to_str().ok()).collect();
    let chosen = negotiate(&accept, file);
    let etag = match chosen {
        Some((coding, _)) => format!("{}-{coding}\"", file.etag.trim_end_matches('"')),
        None => file.etag.clone(),
    };

    let unchanged = not_modified(&request, &etag);
    let mut response = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::CACHE_CONTROL, if file.immutable { IMMUTABLE } else { "no-cache" }))
        .insert_header((header::ETAG, etag));
    if file.has_variants() {
        response.insert_header((header::VARY, "Accept-Encoding"));
    }
    if unchanged {
        return response.finish();
    }
    response.insert_header((header::CONTENT_TYPE, assets::content_type(name)));
    match chosen {
        Some((coding, bytes)) => response.insert_header((header::CONTENT_ENCODING, coding)).body(bytes.clone()),
        None => response.body(file.identity.clone()),
    }
}

/// The compressed copy of `file` to send (`Content-Encoding`, bytes), by the request's
/// `Accept-Encoding` values: the one the client ranks highest, brotli (the smaller) on a tie;
/// `None` for the file as built.
fn negotiate<'f>(accept: &[&str], file: &'f assets::StaticFile) -> Option<(&'static str, &'f web::Bytes)> {
    let brotli = file.brotli.as_ref().map(|bytes| (quality(accept, &["br"]), "br", bytes));
    let gzip = file.gzip.as_ref().map(|bytes| (quality(accept, &["gzip", "x-gzip"]), "gzip", bytes));
    let (q, coding, bytes) = match (brotli, gzip) {
        (Some(brotli), Some(gzip)) => {
            if gzip.0 > brotli.0 {
                gzip
            } else {
                brotli
            }
        }
        (one, other) => one.or(other)?,
    };
    (q > 0.0).then_some((coding, bytes))
}

/// The q-value the request's `Accept-Encoding` values give a coding known by `names`: its own
/// entry's, else that of `*`, else 0 (also when the header is missing or a q-value unreadable).
fn quality(accept: &[&str], names: &[&str]) -> f32 {
    let (mut own, mut any) = (None::<f32>, None::<f32>);
    for item in accept.iter().flat_map(|value| value.split(',')) {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|param| param.split_once('='))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
            .map_or(Some(1.0), |(_, value)| value.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q)))
            .unwrap_or(0.0);
        if names.iter().any(|name| coding.eq_ignore_ascii_case(name)) {
            own = Some(own.map_or(q, |own| own.max(q)));
        } else if coding == "*" {
            any = Some(any.map_or(q, |any| any.max(q)));
        }
    }
    own.or(any).unwrap_or(0.0)
}

/// True when the request's `If-None-Match` names `etag` (compared weakly) or is `*`.
fn not_modified(request: &HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

async fn page(request: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    crate::http::request_log::traced(&request.clone(), render_page(request, shared)).await
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
    let (html, status, head, dev_error) = match output {
        Ok(output) => (output.html, output.status, output.head, None),
        Err(error) => {
            // The client renders the page from the embedded data instead.
            tracing::error!(path = request.path(), %error, "server-side render failed; serving the client-rendered shell");
            // Dev mode also shows the error on the page.
            let dev_error = shared.dev.then(|| format!("Server-side render failed: {error}"));
            (String::new(), 200, String::new(), dev_error)
        }
    };
    // And what the frontend's build tool reports while the sources do not build.
    let dev_error = match (pages.build_errors(), dev_error) {
        (Some(build), Some(render)) => Some(format!("{build}\n\n{render}")),
        (build, render) => build.or(render),
    };

    let manifest = &frontend.manifest;
    let context = minijinja::context! {
        lang => "en",
        title => &pages.title,
        has_title => head.contains("<title>"),
        head => head,
        html => html,
        dev_error => dev_error,
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
    let mut response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        // The page embeds the user's data (global contexts, the CSRF token's cookie): no shared
        // cache may keep it, and the browser's back/forward must not show it after logout.
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(body);
    crate::http::csrf::ensure_cookie(&request, &mut response);
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
        let queued = std::time::Instant::now();
        let (output, took) = batch::render(bundle, render_request).await;
        tracing::debug!(
            url,
            pass,
            micros = took.as_micros() as u64,
            queued_micros = queued.elapsed().saturating_sub(took).as_micros() as u64,
            "rendered"
        );
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
