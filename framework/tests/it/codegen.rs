//! The generated TypeScript for a registry that uses every supported serde shape and every
//! validation rule: a snapshot (`js/test/generated/kitchen-sink.gen.ts`, type-checked and
//! exercised by the `js` package's tests) and the server's side of the validation parity test.
//!
//! `MIZAN_BLESS=1 cargo test --test it codegen` rewrites the snapshot.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use validator::Validate;

use crate::support::{call, send};

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../js/test/generated/kitchen-sink.gen.ts");
const CASES: &str = include_str!("../../../js/test/fixtures/validation-cases.json");
const FORM_CASES: &str = include_str!("../../../js/test/fixtures/form-cases.json");

static SLUG: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"^[a-z0-9-]+$").unwrap());

/// An address, with rules of its own.
#[mizan::rules]
#[derive(Debug, Serialize, Deserialize, JsonSchema, Validate)]
pub(crate) struct Address {
    /// City name.
    #[validate(length(min = 2, message = "city is too short"))]
    pub(crate) city: String,
    /// Postal code.
    #[validate(length(equal = 5))]
    pub(crate) zip: Option<String>,
}

/// Internally tagged.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type")]
pub(crate) enum Shape {
    /// A circle.
    Circle { radius: f64 },
    /// A square.
    Square { side: f64 },
}

/// Adjacently tagged.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub(crate) enum Event {
    Click { x: i32, y: i32 },
    Key(String),
    Idle,
}

/// Untagged.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Id {
    Number(i32),
    Text(String),
}

/// Externally tagged (serde's default).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) enum Command {
    Stop,
    Go { speed: i32 },
    Turn(i32),
    Move(i32, i32),
}

/// A newtype.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Meters(pub(crate) f64);

/// Flattened into `Profile`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Meta {
    pub(crate) revision: u32,
}

/// Renames, skips, defaults, flattening, collections and well-known types.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Profile {
    pub(crate) display_name: String,
    #[serde(rename = "e-mail")]
    pub(crate) email: String,
    #[serde(skip)]
    pub(crate) secret: String,
    #[serde(default)]
    pub(crate) visits: u32,
    #[serde(flatten)]
    pub(crate) meta: Meta,
    pub(crate) nickname: Option<String>,
    pub(crate) tags: BTreeSet<String>,
    pub(crate) scores: BTreeMap<String, f64>,
    pub(crate) extra: Value,
    pub(crate) created: DateTime<Utc>,
    pub(crate) id: uuid::Uuid,
    pub(crate) pair: (i32, String),
    pub(crate) height: Meters,
    /// Accepted as a `number` (exact up to 2^53).
    #[schemars(extend("x-mizan-int64" = "number"))]
    pub(crate) views: i64,
}

/// The errors of `transfer`.
#[derive(Debug, Serialize, JsonSchema, mizan::ClientError)]
pub(crate) enum TransferError {
    /// Not enough money.
    #[client_error(status = 409)]
    InsufficientFunds {
        balance: i32,
        needed: i32,
    },
    /// Frozen until the given date.
    Frozen(String),
    NotFound,
}

/// A function with errors of its own.
#[mizan::client]
async fn transfer(amount: i32) -> Result<i32, TransferError> {
    match amount {
        0 => Err(TransferError::NotFound),
        1 => Err(TransferError::Frozen("2030-01-01".into())),
        _ => Err(TransferError::InsufficientFunds { balance: 0, needed: amount }),
    }
}

/// Every serde shape codegen supports.
#[mizan::client]
async fn kitchen_sink(
    profile: Profile,
    shape: Shape,
    event: Event,
    id: Id,
    command: Command,
) -> mizan::Result<Profile> {
    let _ = (shape, event, id, command, &profile.secret);
    Ok(profile)
}

/// Every validation rule codegen mirrors in Zod.
#[allow(clippy::too_many_arguments)]
#[mizan::client]
async fn rulebook(
    #[validate(length(min = 2, max = 5, message = "2 to 5 characters"))] name: String,
    #[validate(length(equal = 3))] code: String,
    #[validate(range(min = 18, max = 130))] age: i32,
    #[validate(range(exclusive_min = 0.0, exclusive_max = 1.0))] ratio: f64,
    #[validate(email)] email: String,
    #[validate(url(message = "not a URL"))] homepage: Option<String>,
    #[validate(regex(path = *SLUG))] slug: String,
    #[validate(length(min = 1, max = 3))] tags: Vec<String>,
    #[validate(contains(pattern = "!"), does_not_contain(pattern = "spam"))] motto: String,
    #[validate(required)] nickname: Option<String>,
    password: String,
    #[validate(must_match(other = "password", message = "the passwords differ"))] confirm: String,
    address: Address,
) -> mizan::Result<bool> {
    let _ = (name, code, age, ratio, email, homepage, slug, tags, motto, nickname, password, confirm, address);
    Ok(true)
}

/// The rules of `rulebook` as a form: its submissions must be answered exactly like the calls.
#[mizan::form(name = "rules", title = "Every rule")]
#[derive(Debug, Deserialize, JsonSchema, Validate)]
pub(crate) struct RulesForm {
    #[validate(length(min = 2, max = 5, message = "2 to 5 characters"))]
    name: String,
    #[validate(length(equal = 3))]
    code: String,
    #[validate(range(min = 18, max = 130))]
    age: i32,
    #[validate(range(exclusive_min = 0.0, exclusive_max = 1.0))]
    ratio: f64,
    #[validate(email)]
    email: String,
    #[validate(url(message = "not a URL"))]
    homepage: Option<String>,
    #[validate(regex(path = *SLUG))]
    slug: String,
    #[validate(length(min = 1, max = 3))]
    tags: Vec<String>,
    #[validate(contains(pattern = "!"), does_not_contain(pattern = "spam"))]
    motto: String,
    #[validate(required)]
    nickname: Option<String>,
    #[field(widget = "password")]
    password: String,
    #[validate(must_match(other = "password", message = "the passwords differ"))]
    confirm: String,
    #[validate(nested)]
    address: Address,
}

impl mizan::Form for RulesForm {
    type Output = bool;

    async fn on_submit(self, _ctx: &mizan::Ctx) -> mizan::Result<bool> {
        Ok(true)
    }
}

/// A channel whose clients only listen.
pub(crate) struct Ticker;

/// Which market.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Validate)]
pub(crate) struct TickerParams {
    #[validate(length(min = 1))]
    pub(crate) symbol: String,
}

/// One price.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct Tick {
    pub(crate) price: f64,
    pub(crate) at: DateTime<Utc>,
}

impl mizan::channels::Channel for Ticker {
    const NAME: &'static str = "ticker";
    type Params = TickerParams;
    type ServerMessage = Tick;
    type ClientMessage = mizan::channels::NoMessages;

    fn group(params: &TickerParams) -> String {
        params.symbol.clone()
    }
}

/// A trading desk: members place orders over the channel.
pub(crate) struct Desk;

/// Which desk.
#[mizan::rules]
#[derive(Debug, Serialize, Deserialize, JsonSchema, Validate)]
pub(crate) struct DeskParams {
    #[validate(length(min = 2, max = 8, message = "a desk code has 2 to 8 characters"))]
    pub(crate) desk: String,
}

/// An order a member places.
#[mizan::rules]
#[derive(Debug, Serialize, Deserialize, JsonSchema, Validate)]
pub(crate) struct Order {
    #[validate(range(min = 1, max = 1000, message = "order 1 to 1000 units"))]
    pub(crate) quantity: u32,
    #[validate(length(max = 80))]
    pub(crate) note: Option<String>,
}

#[mizan::channel]
impl mizan::channels::Channel for Desk {
    const NAME: &'static str = "desk";
    type Params = DeskParams;
    type ServerMessage = Tick;
    type ClientMessage = Order;

    fn group(params: &DeskParams) -> String {
        params.desk.clone()
    }
}

fn registry() -> mizan::registry::Registry {
    mizan::Mizan::new()
        .functions(mizan::fns![kitchen_sink, rulebook, transfer])
        .functions(mizan::forms![RulesForm])
        .channels(mizan::channels![Ticker, Desk])
        .registry()
        .unwrap()
}

/// Small enough a limit that the snapshot is split in two, so the split layout is
/// type-checked too.
fn options() -> mizan::codegen::Options {
    mizan::codegen::Options::default().split_above(300)
}

#[test]
fn the_snapshot_is_current() {
    let path = std::path::Path::new(SNAPSHOT);
    let bless = std::env::var_os("MIZAN_BLESS").is_some();
    let outcome = mizan::codegen::sync_files(&registry(), &options(), path, !bless);
    assert!(outcome.is_ok(), "{SNAPSHOT} is stale ({outcome:?}); rerun with MIZAN_BLESS=1 and review the diff");
    let (types, module) = mizan::codegen::types_file(path);
    assert!(types.exists(), "the snapshot is split");
    let main = std::fs::read_to_string(path).unwrap();
    assert!(main.contains(&format!("export * from \"./{module}\";")), "{main}");
    assert!(main.lines().count() <= 300 && std::fs::read_to_string(types).unwrap().lines().count() <= 300);
}

#[test]
fn generation_is_deterministic() {
    let generate = || mizan::codegen::generate_files(&registry(), &options(), "t").unwrap();
    assert_eq!(generate(), generate());
    let whole = mizan::codegen::generate(&registry()).unwrap();
    assert_eq!(whole.matches(mizan::codegen::GENERATED_MARKER).count(), 1, "unsplit by default");
}

#[test]
fn channel_parameters_and_messages_carry_the_servers_rules_and_messages() {
    let generated = mizan::codegen::generate(&registry()).unwrap();
    for needle in [
        "export const DeskParamsSchema: z.ZodType<DeskParams> = z.object({\n  desk: z.string().refine(rules.length({ min: 2, max: 8 }), \"a desk code has 2 to 8 characters\"),\n});",
        "export const OrderSchema: z.ZodType<Order> = z.object({\n  quantity: z.number().int().min(0).max(4294967295).refine(rules.range({ min: 1, max: 1000 }), \"order 1 to 1000 units\"),\n  note: z.string().refine(rules.length({ max: 80 }), \"length must be at most 80\").nullable().optional(),\n});",
        "export function useDeskChannel(\n  params: DeskParams,\n  options?: ChannelOptions<Tick>,\n): ChannelState<Tick, Order> {",
    ] {
        assert!(generated.contains(needle), "missing {needle:?} in:\n{generated}");
    }
}

/// `codegen --check` (`cli::run_codegen` with `check`) reports what the binary defines with
/// the macros but the app leaves out of `fns!`, `forms!` and `channels!`; not the framework's
/// own functions, nor what is registered.
#[test]
fn codegen_check_reports_functions_forms_and_channels_left_unregistered() {
    let path = std::env::temp_dir().join(format!("mizan-unlisted-{}/client.gen.ts", std::process::id()));
    let app = crate::fixtures::app().codegen_output(&path);
    let error = mizan::cli::run_codegen(&app, true).unwrap_err().to_string();
    for needle in [
        "defined but not registered, so neither served nor in the generated client",
        "  - function `misspelt` (it::contexts, framework/tests/it/contexts.rs:",
        "  - function `rulebook` (it::codegen, framework/tests/it/codegen.rs:",
        "  - form `rules` (it::codegen, framework/tests/it/codegen.rs:",
        "  - channel `desk` (it::codegen, framework/tests/it/codegen.rs:",
    ] {
        assert!(error.contains(needle), "missing {needle:?} in:\n{error}");
    }
    assert!(error.contains(") is not in `fns!`") && error.contains(") is not in `forms!`"), "{error}");
    assert!(error.contains(") is not in `channels!`"), "{error}");
    for registered in ["function `bump`", "function `transfer`", "auth.login", "current_user"] {
        assert!(!error.contains(registered), "{registered} is listed or the framework's: {error}");
    }
    assert!(!path.exists(), "the check writes nothing");

    // This file's registry lists its function, form and channel.
    let unlisted: Vec<String> = registry().unlisted().iter().map(|declared| declared.name.to_owned()).collect();
    for listed in ["kitchen_sink", "rulebook", "transfer", "rules", "desk"] {
        assert!(!unlisted.iter().any(|name| name == listed), "{listed} in {unlisted:?}");
    }
    assert!(unlisted.iter().any(|name| name == "misspelt"), "{unlisted:?}");
}

/// The server's answers for the shared cases; `js/test/rules.test.ts` checks the generated
/// Zod schema against the same file.
#[actix_web::test]
async fn the_server_answers_every_validation_case_as_recorded() {
    let app = mizan::Mizan::new().functions(mizan::fns![rulebook]).build().unwrap();
    let app = actix_web::test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    let cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    assert!(cases.len() >= 20, "{}", cases.len());
    for case in cases {
        let (status, body) = send(&app, call("rulebook", case["input"].to_string())).await;
        match &case["errors"] {
            Value::Null => assert_eq!(status, StatusCode::OK, "{}: {body}", case["name"]),
            errors => {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {body}", case["name"]);
                assert_eq!(&body["error"]["fields"], errors, "{}", case["name"]);
            }
        }
    }
}

/// The same cases through a form's `submit`, plus the form-only ones (missing fields are
/// "is required" field errors there); `js/test/rules.test.ts` runs both files through the
/// form's generated Zod schema.
#[actix_web::test]
async fn a_form_answers_every_validation_case_like_its_zod_schema() {
    let app = mizan::Mizan::new().functions(mizan::forms![RulesForm]).build().unwrap();
    let app = actix_web::test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    let mut cases: Vec<Value> = serde_json::from_str(CASES).unwrap();
    let form_cases: Vec<Value> = serde_json::from_str(FORM_CASES).unwrap();
    assert!(form_cases.len() >= 4, "{}", form_cases.len());
    cases.extend(form_cases);
    for case in cases {
        let (status, body) = send(&app, call("rules.submit", case["input"].to_string())).await;
        match &case["errors"] {
            Value::Null => assert_eq!(status, StatusCode::OK, "{}: {body}", case["name"]),
            errors => {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {body}", case["name"]);
                assert_eq!(&body["error"]["fields"], errors, "{}", case["name"]);
            }
        }
    }
}
