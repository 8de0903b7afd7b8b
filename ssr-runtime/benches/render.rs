//! Render throughput of one runtime: `cargo bench -p mizan-ssr --bench render -- BUNDLE REQUEST_JSON`.
//!
//! Prints the cost of creating a runtime and evaluating the bundle, and the mean time of one
//! render after warm-up, over `RENDER_SECONDS` (default 2) of back-to-back renders, and the
//! median, p90 and p99 of single renders. `make bench` runs it on the example app's server
//! bundle.

use std::time::Instant;

use mizan_ssr::{Bundle, Renderer};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    let (Some(path), Some(request)) = (args.first(), args.get(1).cloned()) else {
        eprintln!("usage: render BUNDLE.js REQUEST_JSON  (the JSON the bundle's __mizanRender receives)");
        std::process::exit(2);
    };
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
    // Long enough to include the engine's periodic garbage collections, as a server does.
    let seconds: f64 = std::env::var("RENDER_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let mut times = Vec::new();
    let started = Instant::now();
    while times.is_empty() || started.elapsed().as_secs_f64() < seconds {
        let one = Instant::now();
        renderer.render(&request).expect("render");
        times.push(one.elapsed());
    }
    let iterations = times.len() as u32;
    let per_render = started.elapsed() / iterations;
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    println!("bundle: {path} ({} KB)", bundle.source().len() / 1024);
    println!("runtime + bundle evaluation: {:.1} ms", load.as_secs_f64() * 1e3);
    println!("first render: {:.2} ms ({} bytes of HTML)", first_time.as_secs_f64() * 1e3, first.html.len());
    println!(
        "steady render: {:.3} ms ({:.0} renders/s on one thread, {iterations} iterations)",
        per_render.as_secs_f64() * 1e3,
        1.0 / per_render.as_secs_f64()
    );
    println!("per render: median {:.3} ms, p90 {:.3} ms, p99 {:.3} ms", at(0.5), at(0.9), at(0.99));
}
