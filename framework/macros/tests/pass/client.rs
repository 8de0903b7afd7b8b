//! `#[mizan::client]` in its documented forms: plain calls with rules, a context taken
//! anywhere, both context kinds, auth levels, a predicate, invalidations and a body limit.

use mizan::{AuthLevel, Ctx, FunctionKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, JsonSchema)]
pub struct Reply {
    pub message: String,
}

#[derive(Deserialize, JsonSchema)]
pub struct Filter {
    pub tags: Vec<String>,
    pub limit: Option<u32>,
}

/// Echoes the text back.
#[mizan::client]
pub async fn echo(
    #[validate(length(min = 1, max = 280, message = "say 1 to 280 characters"))] text: String,
) -> mizan::Result<Reply> {
    Ok(Reply { message: text })
}

/// Staff only; the context may be taken anywhere in the argument list.
#[mizan::client(auth = "staff", name = "reports.search")]
pub async fn search(filter: Filter, ctx: &Ctx) -> mizan::Result<Vec<String>> {
    let _ = ctx;
    Ok(filter.tags.into_iter().take(filter.limit.unwrap_or(10) as usize).collect())
}

/// Only editors decide.
pub async fn is_editor(ctx: &Ctx) -> mizan::Result<bool> {
    Ok(ctx.user().await?.is_some_and(|user| user.username.starts_with("editor")))
}

/// A global context.
#[mizan::client(context = "global")]
pub async fn counter() -> mizan::Result<u32> {
    Ok(0)
}

/// A local context with an argument.
#[mizan::client(context = "local", auth = true)]
pub async fn greet(ctx: Ctx, name: String) -> mizan::Result<String> {
    let _ = ctx;
    Ok(format!("Hello, {name}!"))
}

#[mizan::client(auth = is_editor, invalidates = ["counter", r#"greet?{"name":"Ann"}"#], body_limit = 16 * 1024)]
pub async fn reset(ctx: &Ctx) -> mizan::Result<()> {
    ctx.invalidate("counter");
    Ok(())
}

fn main() {
    // Still callable from Rust.
    let _ = echo(String::from("hi"));

    let registry = mizan::Mizan::new().functions(mizan::fns![echo, search, counter, greet, reset]).registry().unwrap();

    let echo = registry.get("echo").unwrap();
    assert_eq!(echo.kind(), FunctionKind::Call);
    assert_eq!(echo.auth(), AuthLevel::Anonymous);
    assert_eq!(echo.doc(), "Echoes the text back.");
    assert!(echo.location().contains("client.rs"), "{}", echo.location());
    let input = echo.input_schema(&mut schemars::SchemaGenerator::default());
    let rules = &input.as_value()["properties"]["text"]["x-mizan-rules"];
    assert_eq!(rules[0]["rule"], "length", "{input:?}");
    assert_eq!(rules[0]["min"], 1, "{input:?}");
    assert_eq!(rules[0]["message"], "say 1 to 280 characters", "{input:?}");

    let search = registry.get("reports.search").unwrap();
    assert_eq!(search.auth(), AuthLevel::Staff);
    assert!(registry.get("search").is_none(), "registered under its `name`");

    assert_eq!(registry.get("counter").unwrap().kind(), FunctionKind::GlobalContext);
    let greet = registry.get("greet").unwrap();
    assert_eq!(greet.kind(), FunctionKind::LocalContext);
    assert_eq!(greet.auth(), AuthLevel::Authenticated);

    let reset = registry.get("reset").unwrap();
    assert_eq!(reset.auth(), AuthLevel::Custom("is_editor"));
    assert_eq!(reset.invalidates(), ["counter", r#"greet?{"name":"Ann"}"#]);
    assert_eq!(reset.body_limit(), Some(16 * 1024));

    assert!(registry.unlisted().is_empty(), "{:?}", registry.unlisted());
}
