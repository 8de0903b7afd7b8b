//! Render throughput of one runtime: `cargo bench -p mizan-ssr --bench render -- BUNDLE [REQUEST_JSON]`.
//!
//! Prints the cost of creating a runtime and evaluating the bundle, and the mean time of one
//! render after warm-up. `make bench` runs it on the example app's server bundle.

use std::time::Instant;

use mizan_ssr::{Bundle, Renderer};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    let Some(path) = args.first() else {
        eprintln!("usage: render BUNDLE.js [REQUEST_JSON]");
        std::process::exit(2);
    };
    let request = args.get(1).cloned().unwrap_or_else(|| {
        r#"{"url":"/","ssrData":{"server_time":{"iso":"2026-01-01T00:00:00.000Z","unix_ms":1767225600000},"$local":{}}}"#
            .to_owned()
    });
    let source = std::fs::read_to_string(path).expect("read the bundle");
    let bundle = Bundle::new(path.as_str(), source);

    let started = Instant::now();
    let mut renderer = Renderer::new(&bundle).expect("load the bundle");
    let load = started.elapsed();
    let started = Instant::now();
    let first = renderer.render(&request).expect("render");
    let first_time = started.elapsed();

    for _ in 0..20 {
        renderer.render(&request).expect("render");
    }
    let iterations = 200;
    let started = Instant::now();
    for _ in 0..iterations {
        renderer.render(&request).expect("render");
    }
    let per_render = started.elapsed() / iterations;
    println!("bundle: {path} ({} KB)", bundle.source().len() / 1024);
    println!("runtime + bundle evaluation: {:.1} ms", load.as_secs_f64() * 1e3);
    println!("first render: {:.2} ms ({} bytes of HTML)", first_time.as_secs_f64() * 1e3, first.html.len());
    println!(
        "steady render: {:.3} ms ({:.0} renders/s on one thread, {iterations} iterations)",
        per_render.as_secs_f64() * 1e3,
        1.0 / per_render.as_secs_f64()
    );
}
