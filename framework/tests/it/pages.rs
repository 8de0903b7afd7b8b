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
    let dist = frontend();
    let app = Mizan::new().functions(mizan::fns![sum, launch]).frontend(Frontend::from_dist(&dist)).build().unwrap();
    let app = test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    let response = test::call_service(&app, TestRequest::get().uri(url).to_request()).await;
    let status = response.status();
    let html = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    std::fs::remove_dir_all(dist).unwrap();
    let start = html.find("window.__MIZAN_SSR_DATA__ = ").unwrap() + "window.__MIZAN_SSR_DATA__ = ".len();
    let end = start + html[start..].find(";</script>").unwrap();
    let data = serde_json::from_str(&html[start..end]).unwrap();
    (status, html, data)
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
