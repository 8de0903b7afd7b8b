//! Server-rendered pages: global contexts → React in the embedded engine → the page shell.

mod assets;
mod json;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

pub(crate) use assets::LoadedFrontend;
pub use assets::{Frontend, FrontendError};
pub use json::script_safe_json;

use crate::app::Shared;
use crate::protocol::{SSR_DATA_GLOBAL, SSR_LOCAL_KEY};
use crate::rpc::global_context_bundle;

/// The default page shell; replace it with [`Mizan::shell_template`](crate::Mizan::shell_template).
pub const DEFAULT_SHELL: &str = include_str!("../../templates/shell.html");

/// URL prefix of the frontend's client files.
pub(crate) const STATIC_PREFIX: &str = "/static";

/// The page renderer of an app with a frontend.
pub(crate) struct Pages {
    pub(crate) frontend: LoadedFrontend,
    pub(crate) shell: minijinja::Environment<'static>,
    pub(crate) title: String,
}

impl Pages {
    pub(crate) fn new(frontend: LoadedFrontend, shell: String, title: String) -> Result<Self, minijinja::Error> {
        let mut env = minijinja::Environment::new();
        env.add_template_owned("shell.html", shell)?;
        Ok(Self { frontend, shell: env, title })
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
    match pages.frontend.files.get(file) {
        Some(bytes) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, assets::content_type(file)))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(bytes.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn page(request: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if !matches!(*request.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD) {
        return HttpResponse::MethodNotAllowed().insert_header((header::ALLOW, "GET, HEAD")).finish();
    }
    let Some(pages) = &shared.pages else {
        return HttpResponse::NotFound().body("this Mizan app has no frontend");
    };
    // The global-context bundle plus `"$local": {}`, as JSON text.
    let mut ssr_data = global_context_bundle(&shared, &request).await;
    if ssr_data.len() > 1 {
        ssr_data.push(',');
    }
    ssr_data.push_str(&serde_json::to_string(SSR_LOCAL_KEY).expect("strings serialise"));
    ssr_data.push_str(":{}}");

    let url = serde_json::to_string(&request.uri().to_string()).expect("strings serialise");
    let render_request = format!(r#"{{"url":{url},"ssrData":{ssr_data}}}"#);
    let (html, status, head) = match mizan_ssr::render(&pages.frontend.server_bundle, &render_request) {
        Ok(output) => (output.html, output.status, output.head),
        Err(error) => {
            // The client renders the page from the embedded data instead.
            tracing::error!(path = request.path(), %error, "server-side render failed; serving the client-rendered shell");
            (String::new(), 200, String::new())
        }
    };

    let manifest = &pages.frontend.manifest;
    let context = minijinja::context! {
        lang => "en",
        title => &pages.title,
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
