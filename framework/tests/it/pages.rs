//! Server-rendered pages and their local contexts, with a hand-written server bundle that
//! behaves like React's providers: it asks for the instances it lacks, and a nested one only
//! once its parent has data.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use mizan::{Frontend, Mizan};
use serde_json::{json, Value};

/// Renders `url` with whatever `$local` holds; reports the instances it needs but lacks.
const BUNDLE: &str = r#"
let renders = 0;
globalThis.__mizanRender = function (requestJson) {
  var request = JSON.parse(requestJson);
  var local = request.ssrData["$local"] || {};
  var missing = [];
  var html = [];
  function use(key) {
    if (Object.prototype.hasOwnProperty.call(local, key)) {
      html.push(key + "=" + JSON.stringify(local[key]));
      return local[key];
    }
    missing.push(key);
    return undefined;
  }
  if (request.url === "/nested") {
    var outer = use('sum?{"a":1,"b":2}');
    if (outer !== undefined) use('sum?{"a":' + outer + ',"b":10}');
  } else if (request.url === "/endless") {
    use('sum?{"a":' + Object.keys(local).length + ',"b":0}');
  } else if (request.url.startsWith("/counted")) {
    use("tick?{}");
    if (missing.length === 0) renders += 1;
    html.push("render #" + renders);
  } else if (request.url.startsWith("/echo/")) {
    html.push("page " + request.url);
  } else if (request.url === "/loop") {
    while (true) {}
  } else if (request.url === "/throw") {
    throw new Error("the app's render failed");
  } else if (request.url === "/refused") {
    use('sum?{"a":1000,"b":0}');
    use("nothing?{}");
    use('launch?{"target":"moon"}');
    use('sum?{"a":2,"b":2}');
  }
  return JSON.stringify({ html: html.join(" "), status: 200, head: "", missing: missing });
};
"#;

static LAUNCHES: AtomicUsize = AtomicUsize::new(0);
static TICK: AtomicUsize = AtomicUsize::new(0);

#[mizan::client(context = "local")]
async fn tick() -> mizan::Result<u32> {
    Ok(TICK.load(Ordering::SeqCst) as u32)
}

/// Strings that break naive embedding of JSON in a `<script>` element.
const NASTY: &str = include_str!("../../../js/test/fixtures/ssr-escaping.json");
/// The page the server produces for them; `js/test/escaping.test.ts` parses it with an HTML
/// parser. `MIZAN_BLESS=1` rewrites it.
const ESCAPING_PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../js/test/fixtures/ssr-escaping.html");

#[mizan::client(context = "global")]
async fn nasty() -> mizan::Result<Vec<String>> {
    Ok(serde_json::from_str(NASTY).expect("the fixture is a list of strings"))
}

#[mizan::client(context = "local")]
async fn sum(#[validate(range(max = 100, message = "at most 100"))] a: i32, b: i32) -> mizan::Result<i32> {
    Ok(a + b)
}

#[mizan::client]
async fn launch(target: String) -> mizan::Result<String> {
    LAUNCHES.fetch_add(1, Ordering::SeqCst);
    Ok(target)
}

fn frontend() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "mizan-pages-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("manifest.json"), r#"{"client": "client.js", "server": "server.js"}"#).unwrap();
    std::fs::write(dir.join("client.js"), "").unwrap();
    std::fs::write(dir.join("server.js"), BUNDLE).unwrap();
    dir
}

async fn page(url: &str) -> (StatusCode, String, Value) {
    pages(&[url], mizan::SsrLimits::default()).await.pop().unwrap()
}

/// Requests `urls` in turn from one app rendering within `limits`.
async fn pages(urls: &[&str], limits: mizan::SsrLimits) -> Vec<(StatusCode, String, Value)> {
    pages_of(urls, |mizan| mizan.ssr_limits(limits)).await
}

/// The test app (this file's functions) on the frontend in `dist`, configured by `configure`.
fn app_of(dist: &std::path::Path, configure: impl FnOnce(Mizan) -> Mizan) -> mizan::MizanApp {
    configure(Mizan::new().functions(mizan::fns![sum, launch, nasty, tick]).frontend(Frontend::from_dist(dist)))
        .build()
        .unwrap()
}

/// Requests `urls` in turn from one app, configured by `configure`.
async fn pages_of(urls: &[&str], configure: impl FnOnce(Mizan) -> Mizan) -> Vec<(StatusCode, String, Value)> {
    let dist = frontend();
    let app = app_of(&dist, configure);
    let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    let mut out = Vec::new();
    for url in urls {
        let response = test::call_service(&app, TestRequest::get().uri(url).to_request()).await;
        let status = response.status();
        let html = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
        let start = html.find("window.__MIZAN_SSR_DATA__ = ").unwrap() + "window.__MIZAN_SSR_DATA__ = ".len();
        let end = start + html[start..].find(";</script>").unwrap();
        let data = serde_json::from_str(&html[start..end]).unwrap();
        out.push((status, html, data));
    }
    std::fs::remove_dir_all(dist).unwrap();
    out
}

#[actix_web::test]
async fn pages_embed_private_data_and_are_never_stored_by_caches() {
    let dist = frontend();
    let app = app_of(&dist, |mizan| mizan);
    let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    for url in ["/nested", "/no-such-page"] {
        let response = test::call_service(&app, TestRequest::get().uri(url).to_request()).await;
        let cache = response.headers().get("cache-control").map(|value| value.to_str().unwrap().to_owned());
        assert_eq!(cache.as_deref(), Some("private, no-store"), "{url}");
    }
    std::fs::remove_dir_all(dist).unwrap();
}

#[actix_web::test]
async fn nested_local_contexts_are_resolved_pass_by_pass() {
    let (status, html, data) = page("/nested").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data["$local"], json!({ "sum?{\"a\":1,\"b\":2}": 3, "sum?{\"a\":3,\"b\":10}": 13 }));
    assert!(html.contains(r#"sum?{"a":3,"b":10}=13"#), "the last pass rendered both: {html}");
}

#[actix_web::test]
async fn a_page_that_keeps_asking_stops_after_three_passes() {
    let (status, _, data) = page("/endless").await;
    assert_eq!(status, StatusCode::OK, "the page is served; the client fetches the rest");
    let local = data["$local"].as_object().unwrap();
    assert_eq!(local.len(), mizan::pages::MAX_RENDER_PASSES - 1, "{data}");
}

#[actix_web::test]
async fn refused_instances_are_marked_and_calls_never_run() {
    let (status, _, data) = page("/refused").await;
    assert_eq!(status, StatusCode::OK);
    let local = &data["$local"];
    assert_eq!(local["sum?{\"a\":1000,\"b\":0}"]["$error"]["code"], "VALIDATION", "{data}");
    assert_eq!(local["nothing?{}"]["$error"]["code"], "NOT_FOUND", "{data}");
    assert_eq!(local["launch?{\"target\":\"moon\"}"]["$error"]["code"], "NOT_FOUND", "{data}");
    assert_eq!(LAUNCHES.load(Ordering::SeqCst), 0, "a render cannot trigger a call");
    assert_eq!(local["sum?{\"a\":2,\"b\":2}"], 4, "the others still resolve");
}

#[actix_web::test]
async fn any_string_survives_embedding_in_the_page() {
    let (status, html, data) = page("/").await;
    assert_eq!(status, StatusCode::OK);
    let strings: Vec<String> = serde_json::from_str(NASTY).unwrap();
    assert_eq!(data["nasty"], json!(strings), "what the page embeds decodes to the context's value");
    let script = &html[html.find("window.__MIZAN_SSR_DATA__").unwrap()..];
    let script = &script[..script.find("</script>").unwrap()];
    for forbidden in ["</", "<!--", "<script", "\u{2028}", "\u{2029}"] {
        assert!(!script.contains(forbidden), "the data script contains {forbidden:?}");
    }
    // The same page, parsed by a real HTML parser on the JavaScript side.
    if std::env::var_os("MIZAN_BLESS").is_some() {
        std::fs::write(ESCAPING_PAGE, &html).unwrap();
    }
    let committed = std::fs::read_to_string(ESCAPING_PAGE).unwrap_or_default();
    assert!(committed == html, "{ESCAPING_PAGE} is stale; rerun with MIZAN_BLESS=1");
}

#[actix_web::test]
async fn a_render_that_hangs_or_throws_falls_back_to_the_shell_with_its_data() {
    let limits = mizan::SsrLimits { time_budget: std::time::Duration::from_millis(200), ..Default::default() };
    let answers = pages(&["/loop", "/throw", "/nested"], limits).await;
    for (status, html, data) in &answers[..2] {
        assert_eq!(*status, StatusCode::OK, "the client renders the page instead");
        assert!(html.contains(r#"<div id="root"></div>"#), "an empty root: {html}");
        assert!(data["nasty"].is_array(), "the data is still embedded: {data}");
    }
    let (status, html, _) = &answers[2];
    assert_eq!(*status, StatusCode::OK);
    assert!(html.contains("=13"), "the worker renders the next page normally: {html}");
}

/// Pages requested at the same time are rendered back to back by the worker's runtime: each
/// still gets its own page, and a render that hangs or throws only falls back its own page.
#[actix_web::test]
async fn pages_requested_together_each_get_their_own_render() {
    let dist = frontend();
    let limits = mizan::SsrLimits { time_budget: std::time::Duration::from_millis(200), ..Default::default() };
    let app = app_of(&dist, |mizan| mizan.ssr_limits(limits));
    let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    let mut urls: Vec<String> = (0..24).map(|i| format!("/echo/{i}")).collect();
    urls.insert(8, "/loop".into());
    urls.insert(16, "/throw".into());
    let responses = futures_util::future::join_all(
        urls.iter().map(|url| test::call_service(&app, TestRequest::get().uri(url).to_request())),
    )
    .await;
    for (url, response) in urls.iter().zip(responses) {
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let html = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
        assert!(html.contains("window.__MIZAN_SSR_DATA__ = "), "{url}: the data is embedded: {html}");
        if url.starts_with("/echo/") {
            let root = format!(r#"<div id="root">page {url}</div>"#);
            assert!(html.contains(&root), "{url} got its own page: {html}");
        } else {
            assert!(html.contains(r#"<div id="root"></div>"#), "{url} falls back to the client: {html}");
        }
    }
    std::fs::remove_dir_all(dist).unwrap();
}

#[actix_web::test]
async fn dev_mode_shows_a_failed_render_on_the_page_and_production_does_not() {
    let answers = pages_of(&["/throw"], |mizan| mizan.dev(true)).await;
    let (status, html, _) = &answers[0];
    assert_eq!(*status, StatusCode::OK);
    assert!(html.contains(r#"<pre id="mizan-dev-error""#) && html.contains("the app&#x27;s render failed"), "{html}");
    let answers = pages_of(&["/throw"], |mizan| mizan.dev(false)).await;
    assert!(!answers[0].1.contains("mizan-dev-error") && !answers[0].1.contains("render failed"), "{}", answers[0].1);
}

#[actix_web::test]
async fn dev_mode_shows_the_frontend_build_errors_above_the_page_until_it_builds_again() {
    for dev in [true, false] {
        let dist = frontend();
        let app = app_of(&dist, |mizan| mizan.dev(dev));
        let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
        let body = |app| async move {
            let response = test::call_service(app, TestRequest::get().uri("/").to_request()).await;
            String::from_utf8(test::read_body(response).await.to_vec()).unwrap()
        };
        std::fs::write(dist.join("errors-client.txt"), "The client bundle failed to build:\n\nsrc/App.tsx:3:1: <oops>")
            .unwrap();
        let html = body(&app).await;
        assert_eq!(html.contains("App.tsx:3:1: &lt;oops&gt;"), dev, "shown (escaped) in dev mode only: {html}");
        std::fs::remove_file(dist.join("errors-client.txt")).unwrap();
        assert!(!body(&app).await.contains("mizan-dev-error"), "gone once it builds again");
        std::fs::remove_dir_all(dist).unwrap();
    }
}

#[actix_web::test]
async fn in_dev_mode_a_rebuilt_frontend_is_used_without_a_restart() {
    let version = |n: u32| format!("globalThis.__mizanRender = () => JSON.stringify({{ html: 'version {n}' }});");
    for dev in [true, false] {
        let dist = frontend();
        std::fs::write(dist.join("server.js"), version(1)).unwrap();
        let app = Mizan::new().frontend(Frontend::from_dist(&dist)).dev(dev).build().unwrap();
        let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
        let body = |app| async move {
            let response = test::call_service(app, TestRequest::get().uri("/").to_request()).await;
            String::from_utf8(test::read_body(response).await.to_vec()).unwrap()
        };
        assert!(body(&app).await.contains("version 1"));
        // A rebuild: a new bundle (of another size, so the change shows whatever the clock).
        std::fs::write(dist.join("server.js"), format!("{}\n// rebuilt", version(2))).unwrap();
        let html = body(&app).await;
        match dev {
            true => assert!(html.contains("version 2"), "dev mode picks up the new bundle: {html}"),
            false => assert!(html.contains("version 1"), "production keeps the bundle it started with: {html}"),
        }
        // A half-written build does not break the page.
        std::fs::write(dist.join("manifest.json"), "{ not json").unwrap();
        let html = body(&app).await;
        assert!(html.contains(if dev { "version 2" } else { "version 1" }), "{html}");
        std::fs::remove_dir_all(dist).unwrap();
    }
}

#[actix_web::test]
async fn the_page_cache_reuses_renders_only_for_identical_data() {
    let texts = |answers: Vec<(StatusCode, String, Value)>| -> Vec<String> {
        answers
            .into_iter()
            .map(|(_, html, _)| {
                let at = html.find("render #").expect("a counted page");
                html[at..at + "render #1".len()].to_owned()
            })
            .collect()
    };
    TICK.store(0, Ordering::SeqCst);
    let cached =
        texts(pages_of(&["/counted", "/counted", "/counted?other", "/counted"], |m| m.page_cache(1 << 20)).await);
    assert_eq!(cached, ["render #1", "render #1", "render #2", "render #1"], "same URL and data: reused");

    let uncached = texts(pages_of(&["/counted", "/counted"], |m| m).await);
    assert_eq!(uncached, ["render #1", "render #2"], "off by default");

    // A local context's value changes: the data differs, so the page is rendered again.
    let dist = frontend();
    let app = Mizan::new()
        .functions(mizan::fns![tick])
        .frontend(Frontend::from_dist(&dist))
        .page_cache(1 << 20)
        .build()
        .unwrap();
    let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    let body = |app| async move {
        let response = test::call_service(app, TestRequest::get().uri("/counted").to_request()).await;
        String::from_utf8(test::read_body(response).await.to_vec()).unwrap()
    };
    assert!(body(&app).await.contains("render #1"));
    assert!(body(&app).await.contains("render #1"));
    TICK.store(5, Ordering::SeqCst);
    let html = body(&app).await;
    assert!(html.contains("render #2") && html.contains(r#""tick?{}":5"#), "{html}");
    std::fs::remove_dir_all(dist).unwrap();
}

/// What `mizan::frontend!` writes in release builds: the files are in the binary, so the page
/// renders with no build directory on disk, and the client files are served from memory.
#[actix_web::test]
async fn an_embedded_frontend_needs_no_files_on_disk() {
    static FILES: mizan::pages::EmbeddedFiles = &[
        ("manifest.json", br#"{"client": "client.js", "server": "server.js"}"#),
        ("client.js", b"console.log('client');"),
        ("client.js.gz", b"pretend gzip"),
        ("server.js", BUNDLE.as_bytes()),
    ];
    let missing = std::env::temp_dir().join(format!("mizan-embedded-{}-never-created", std::process::id()));
    let frontend = Frontend::embedded(&missing, FILES);
    assert!(frontend.is_embedded());
    let app = Mizan::new().functions(mizan::fns![sum]).frontend(frontend).dev(true).build().unwrap();
    let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    for _ in 0..2 {
        let response = test::call_service(&app, TestRequest::get().uri("/nested").to_request()).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
        assert!(html.contains(r#"<div id="root">sum?{"a":1,"b":2}=3 sum?{"a":3,"b":10}=13</div>"#), "{html}");
        assert!(html.contains("client.js"), "{html}");
    }
    let response = test::call_service(&app, TestRequest::get().uri("/static/client.js").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(test::read_body(response).await, "console.log('client');");
    let request = TestRequest::get().uri("/static/client.js").insert_header(("accept-encoding", "gzip")).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.headers().get("content-encoding").unwrap(), "gzip");
    assert_eq!(test::read_body(response).await, "pretend gzip", "compressed copies are embedded too");
    assert!(!missing.exists());
}

/// A build with content-hashed client files, as `example-app/frontend/build.mjs` writes it:
/// the script with brotli and gzip copies, the stylesheet with neither, source maps (one
/// named in `assets`, one not) and a file of an earlier build that the manifest no longer names.
fn hashed_frontend() -> PathBuf {
    use std::io::Write;
    let dir = frontend();
    let manifest = json!({
        "client": "client-ABCD1234.js",
        "css": "client-EFGH5678.css",
        "server": "server.js",
        "assets": ["client-ABCD1234.js", "client-ABCD1234.js.map", "client-EFGH5678.css"],
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    std::fs::write(dir.join("client-ABCD1234.js"), CLIENT_JS).unwrap();
    std::fs::write(dir.join("client-ABCD1234.js.br"), b"pretend brotli").unwrap();
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(CLIENT_JS.as_bytes()).unwrap();
    std::fs::write(dir.join("client-ABCD1234.js.gz"), gzip.finish().unwrap()).unwrap();
    std::fs::write(dir.join("client-ABCD1234.js.map"), "{}").unwrap();
    std::fs::write(dir.join("client-EFGH5678.css"), "body { margin: 0 }").unwrap();
    std::fs::write(dir.join("client-EFGH5678.css.map"), "{}").unwrap();
    std::fs::write(dir.join("client-OLD00000.js"), "an earlier build").unwrap();
    dir
}

const CLIENT_JS: &str = "console.log('the client, hydrating the page');\n";

/// What `GET` (or `HEAD`) of `uri` answers with these request headers.
async fn fetch(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    method: actix_web::http::Method,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, actix_web::http::header::HeaderMap, actix_web::web::Bytes) {
    let mut request = TestRequest::default().method(method).uri(uri);
    for header in headers {
        request = request.insert_header(*header);
    }
    let response = test::call_service(app, request.to_request()).await;
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, test::read_body(response).await)
}

fn header<'h>(headers: &'h actix_web::http::header::HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).map(|value| value.to_str().unwrap())
}

#[actix_web::test]
async fn content_hashed_client_files_are_cached_for_good_and_sent_precompressed() {
    use actix_web::http::Method;
    let dist = hashed_frontend();
    let app = Mizan::new().functions(mizan::fns![sum]).frontend(Frontend::from_dist(&dist)).build().unwrap();
    let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;

    // The page names the files the manifest names.
    let (status, _, html) = fetch(&app, Method::GET, "/nested", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html.to_vec()).unwrap().replace("&#x2f;", "/");
    assert!(html.contains(r#"<script type="module" src="/static/client-ABCD1234.js">"#), "{html}");
    assert!(html.contains(r#"<link rel="stylesheet" href="/static/client-EFGH5678.css">"#), "{html}");

    let js = "/static/client-ABCD1234.js";
    let immutable = "public, max-age=31536000, immutable";
    // Which copy each `Accept-Encoding` gets: (header, Content-Encoding).
    let cases: &[(Option<&str>, Option<&str>)] = &[
        (None, None),
        (Some(""), None),
        (Some("identity"), None),
        (Some("gzip, deflate, br, zstd"), Some("br")),
        (Some("br"), Some("br")),
        (Some("gzip"), Some("gzip")),
        (Some("GZip;Q=0.8"), Some("gzip")),
        (Some("x-gzip"), Some("gzip")),
        (Some("br;q=0, gzip"), Some("gzip")),
        (Some("br;q=0.0, gzip;q=0.000"), None),
        (Some("gzip;q=1, br;q=0.5"), Some("gzip")),
        (Some("*"), Some("br")),
        (Some("*, br;q=0"), Some("gzip")),
        (Some("*;q=0"), None),
        (Some("br;q=nonsense, gzip;q=0.1"), Some("gzip")),
        (Some("deflate"), None),
    ];
    let mut tags = std::collections::BTreeSet::new();
    for (accept, expected) in cases {
        let headers: Vec<(&str, &str)> = accept.iter().map(|accept| ("accept-encoding", *accept)).collect();
        let (status, headers, body) = fetch(&app, Method::GET, js, &headers).await;
        assert_eq!(status, StatusCode::OK, "{accept:?}");
        assert_eq!(header(&headers, "content-encoding"), *expected, "Accept-Encoding: {accept:?}");
        assert_eq!(header(&headers, "content-type"), Some("text/javascript; charset=utf-8"), "{accept:?}");
        assert_eq!(header(&headers, "cache-control"), Some(immutable), "{accept:?}");
        assert_eq!(header(&headers, "vary"), Some("Accept-Encoding"), "every answer, identity too: {accept:?}");
        let decoded = match *expected {
            Some("br") => {
                assert_eq!(body, "pretend brotli", "the .br file as built");
                continue;
            }
            Some("gzip") => {
                let mut decoded = String::new();
                std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut decoded).unwrap();
                decoded
            }
            _ => String::from_utf8(body.to_vec()).unwrap(),
        };
        assert_eq!(decoded, CLIENT_JS, "{accept:?}");
        tags.insert((header(&headers, "etag").unwrap().to_owned(), *expected));
    }
    // One tag per encoding, and a matching If-None-Match answers 304 with the caching headers.
    let etags: std::collections::BTreeSet<_> = tags.iter().map(|(tag, _)| tag).collect();
    assert_eq!(etags.len(), 2, "identity and gzip tags differ: {tags:?}");
    let (gzip_tag, _) = tags.iter().find(|(_, encoding)| *encoding == Some("gzip")).unwrap();
    let request = [("accept-encoding", "gzip"), ("if-none-match", gzip_tag.as_str())];
    let (status, headers, body) = fetch(&app, Method::GET, js, &request).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header(&headers, "cache-control"), Some(immutable));
    assert_eq!(header(&headers, "vary"), Some("Accept-Encoding"));
    let (status, _, _) = fetch(&app, Method::GET, js, &[("if-none-match", gzip_tag.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "the identity copy has another tag");

    // HEAD: the same headers.
    let (status, headers, _) = fetch(&app, Method::HEAD, js, &[("accept-encoding", "br")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-encoding"), Some("br"));
    assert_eq!(header(&headers, "cache-control"), Some(immutable));

    // No compressed copies: identity, without Vary; still hashed, so still immutable.
    let (status, headers, body) =
        fetch(&app, Method::GET, "/static/client-EFGH5678.css", &[("accept-encoding", "br, gzip")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "body { margin: 0 }");
    assert_eq!(header(&headers, "content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(header(&headers, "cache-control"), Some(immutable));
    assert_eq!(header(&headers, "content-encoding"), None);
    assert_eq!(header(&headers, "vary"), None);

    // Source maps: named in `assets` or the map of a file that is.
    for map in ["/static/client-ABCD1234.js.map", "/static/client-EFGH5678.css.map"] {
        let (status, headers, _) = fetch(&app, Method::GET, map, &[]).await;
        assert_eq!(status, StatusCode::OK, "{map}");
        assert_eq!(header(&headers, "content-type"), Some("application/json"), "{map}");
        assert_eq!(header(&headers, "cache-control"), Some(immutable), "{map}");
    }
    // Files the manifest does not name are not served, nor the compressed copies by name.
    for path in ["/static/client-OLD00000.js", "/static/client-ABCD1234.js.gz", "/static/server.js"] {
        let (status, _, _) = fetch(&app, Method::GET, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    std::fs::remove_dir_all(dist).unwrap();
}

#[actix_web::test]
async fn client_files_without_hashed_names_are_revalidated() {
    use actix_web::http::Method;
    // A manifest without `assets` (`client.js`, the same name build after build).
    let dist = frontend();
    std::fs::write(dist.join("client.js"), CLIENT_JS).unwrap();
    std::fs::write(dist.join("client.js.gz"), b"pretend gzip").unwrap();
    let app = Mizan::new().frontend(Frontend::from_dist(&dist)).build().unwrap();
    let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    let (status, headers, body) = fetch(&app, Method::GET, "/static/client.js", &[("accept-encoding", "br")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, CLIENT_JS, "no brotli copy: identity");
    assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
    assert_eq!(header(&headers, "vary"), Some("Accept-Encoding"));
    let etag = header(&headers, "etag").expect("an ETag").to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10, "{etag}");
    for tag in [etag.clone(), format!("W/{etag}"), format!("\"other\", {etag}"), "*".to_owned()] {
        let (status, headers, body) = fetch(&app, Method::GET, "/static/client.js", &[("if-none-match", &tag)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{tag}");
        assert!(body.is_empty());
        assert_eq!(header(&headers, "etag"), Some(etag.as_str()));
        assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
    }
    let (status, _, _) = fetch(&app, Method::GET, "/static/client.js", &[("if-none-match", "\"other\"")]).await;
    assert_eq!(status, StatusCode::OK);
    std::fs::remove_dir_all(dist).unwrap();
}
