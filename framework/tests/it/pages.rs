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

/// Requests `urls` in turn from one app, configured by `configure`.
async fn pages_of(urls: &[&str], configure: impl FnOnce(Mizan) -> Mizan) -> Vec<(StatusCode, String, Value)> {
    let dist = frontend();
    let app =
        configure(Mizan::new().functions(mizan::fns![sum, launch, nasty, tick]).frontend(Frontend::from_dist(&dist)))
            .build()
            .unwrap();
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
    assert!(!missing.exists());
}
