//! Two servers for the RPC benchmark (`make bench`), each on one worker thread: Mizan serving
//! `echo`, and a bare actix-web JSON handler doing the same work with the same response shape.
//!
//! `rpc_bench_server MIZAN_ADDR BARE_ADDR`

use actix_web::{web, App, HttpResponse, HttpServer};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, JsonSchema)]
struct Reply {
    message: String,
}

/// Echoes the text back.
#[mizan::client]
async fn echo(text: String) -> mizan::Result<Reply> {
    Ok(Reply { message: text })
}

#[derive(Deserialize)]
struct EchoArguments {
    text: String,
}

#[derive(Serialize)]
struct Bare {
    result: Reply,
}

async fn bare_echo(arguments: web::Json<EchoArguments>) -> HttpResponse {
    HttpResponse::Ok().json(Bare { result: Reply { message: arguments.into_inner().text } })
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mizan_addr = args.next().unwrap_or_else(|| "127.0.0.1:8801".into());
    let bare_addr = args.next().unwrap_or_else(|| "127.0.0.1:8802".into());
    actix_web::rt::System::new().block_on(async move {
        let app = mizan::Mizan::new().functions(mizan::fns![echo]).build().expect("valid app");
        let mizan = HttpServer::new(move || {
            let app = app.clone();
            App::new().configure(move |cfg| app.configure(cfg))
        })
        .workers(1)
        .bind(&mizan_addr)?
        .run();
        let bare =
            HttpServer::new(|| App::new().route("/echo", web::post().to(bare_echo))).workers(1).bind(&bare_addr)?.run();
        println!("ready: mizan on {mizan_addr}, bare actix on {bare_addr}");
        futures_util::future::try_join(mizan, bare).await.map(|_| ())
    })
}
