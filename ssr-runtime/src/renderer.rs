use std::cell::Cell;
use std::rc::Rc;

use deno_core::{v8, JsRuntime, RuntimeOptions};

use crate::watchdog::Watchdog;
use crate::{Bundle, Limits, RenderOutput, SsrError};

/// The web globals installed before the bundle, in order: timers, message ports, text
/// encoding and render isolation; `URL`/`URLSearchParams`; the rest (abort, base64,
/// structured clone, crypto, performance); `Intl` number and date formatting where the
/// engine's is broken. (check-server-bundle.mjs and tests/env load the same list.)
const PRELUDE: [(&str, &str); 4] = [
    ("mizan:prelude.js", include_str!("js/prelude.js")),
    ("mizan:url.js", include_str!("js/url.js")),
    ("mizan:web.js", include_str!("js/web.js")),
    ("mizan:intl.js", include_str!("js/intl.js")),
];

/// The heap limit once a render has hit it: V8 aborts the process unless the limit is raised
/// while the termination takes effect, so it gets headroom.
fn limit_after_termination(current: usize) -> usize {
    current.saturating_mul(2)
}

/// One JavaScript runtime with a server bundle loaded, reused across renders.
///
/// Every render runs within the bundle's [`Limits`]: a watchdog terminates one that runs past
/// its time budget (the runtime stays usable), and a heap limit stops one that allocates
/// without bound (the runtime is then [`spent`](Renderer::is_spent) and must be replaced).
/// Globals a render adds to or changes on `globalThis` are put back after it, so one request
/// cannot leave state for the next there.
pub struct Renderer {
    runtime: JsRuntime,
    /// The bundle's `__mizanRender`, called directly: no script is compiled per render.
    render: v8::Global<v8::Function>,
    /// The prelude's `__mizanAfterRender`: drops scheduled callbacks, restores the globals.
    after_render: v8::Global<v8::Function>,
    bundle_id: u64,
    limits: Limits,
    watchdog: Watchdog,
    out_of_memory: Rc<Cell<bool>>,
    spent: bool,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("bundle_id", &self.bundle_id).finish_non_exhaustive()
    }
}

impl Renderer {
    /// Creates a runtime, installs the web-API prelude and evaluates `bundle`.
    pub fn new(bundle: &Bundle) -> Result<Self, SsrError> {
        let limits = bundle.limits();
        let mut runtime = JsRuntime::new(RuntimeOptions {
            create_params: Some(v8::CreateParams::default().heap_limits(0, limits.heap_limit)),
            extensions: vec![crate::ops::extension()],
            ..RuntimeOptions::default()
        });
        let out_of_memory = Rc::new(Cell::new(false));
        let isolate = runtime.v8_isolate().thread_safe_handle();
        // V8: near the limit, stop the script (the runtime is replaced after this render).
        // QuickJS stops a script that crosses the limit by itself, and with a callback
        // registered it would walk the whole heap after every script to decide whether to
        // call it (most of a render's time): there the termination is recognised instead.
        if cfg!(feature = "v8") {
            let (flag, isolate) = (Rc::clone(&out_of_memory), isolate.clone());
            runtime.add_near_heap_limit_callback(move |current, _initial| {
                flag.set(true);
                isolate.terminate_execution();
                limit_after_termination(current)
            });
        }
        let load_error = |error: Box<deno_core::error::JsError>| SsrError::Load {
            bundle: bundle.name().to_owned(),
            message: error.to_string(),
        };
        for (name, source) in PRELUDE {
            runtime.execute_script(name, source).map_err(load_error)?;
        }
        runtime.execute_script(format!("mizan:{}", bundle.name()), bundle.source().to_owned()).map_err(load_error)?;
        let (render, after_render) = {
            deno_core::scope!(scope, &mut runtime);
            (global_function(scope, "__mizanRender"), global_function(scope, "__mizanAfterRender"))
        };
        let (Some(render), Some(after_render)) = (render, after_render) else {
            return Err(SsrError::MissingEntry(bundle.name().to_owned()));
        };
        // From here on, what a render does to `globalThis` is undone after it.
        runtime.execute_script("mizan:seal", "globalThis.__mizanSealGlobals()").map_err(load_error)?;
        let watchdog = Watchdog::new(isolate, limits.time_budget).map_err(|error| SsrError::Load {
            bundle: bundle.name().to_owned(),
            message: format!("starting the render watchdog failed: {error}"),
        })?;
        Ok(Self {
            runtime,
            render,
            after_render,
            bundle_id: bundle.id(),
            limits,
            watchdog,
            out_of_memory,
            spent: false,
        })
    }

    /// True once a render hit the heap limit: the runtime must not be used again.
    pub fn is_spent(&self) -> bool {
        self.spent
    }

    /// The id of the bundle this renderer loaded.
    pub fn bundle_id(&self) -> u64 {
        self.bundle_id
    }

    /// Renders one request. `request_json` is the JSON the bundle's `__mizanRender` receives
    /// (Mizan sends `{"url": ..., "ssrData": ...}`).
    pub fn render(&mut self, request_json: &str) -> Result<RenderOutput, SsrError> {
        if self.spent {
            return Err(SsrError::HeapLimit(self.limits.heap_limit));
        }
        self.watchdog.arm();
        let outcome = call(&mut self.runtime, &self.render, Some(request_json));
        if !matches!(outcome, Call::Terminated) {
            // Promise callbacks the render queued run now, within its budget and before the
            // globals are restored.
            deno_core::scope!(scope, &mut self.runtime);
            scope.perform_microtask_checkpoint();
        }
        let timed_out = self.watchdog.disarm();
        // Terminated, and not by the watchdog: the engine stopped at the heap limit.
        let terminated = self.runtime.v8_isolate().is_execution_terminating() || matches!(outcome, Call::Terminated);
        let out_of_memory = self.out_of_memory.replace(false) || (terminated && !timed_out);
        if timed_out || out_of_memory {
            self.runtime.v8_isolate().cancel_terminate_execution();
            if out_of_memory {
                self.spent = true;
                return Err(SsrError::HeapLimit(self.limits.heap_limit));
            }
        }
        if let Call::Threw(message) = call(&mut self.runtime, &self.after_render, None) {
            return Err(SsrError::Render(format!("restoring the globals after a render failed: {message}")));
        }
        if timed_out {
            return Err(SsrError::Timeout(self.limits.time_budget));
        }
        let text = match outcome {
            Call::Returned(Some(text)) => text,
            Call::Returned(None) => {
                return Err(SsrError::InvalidOutput("`__mizanRender` must return a JSON string".into()));
            }
            Call::Threw(message) => return Err(SsrError::Render(message)),
            Call::Terminated => return Err(SsrError::Render("the render was terminated".into())),
        };
        serde_json::from_str(&text).map_err(|error| SsrError::InvalidOutput(error.to_string()))
    }
}

/// How a call into the bundle ended.
enum Call {
    /// It returned: the value when it is a string.
    Returned(Option<String>),
    /// It threw: the exception's message and stack.
    Threw(String),
    /// Its execution was terminated (watchdog or heap limit).
    Terminated,
}

/// Calls `function` with an optional string argument.
fn call(runtime: &mut JsRuntime, function: &v8::Global<v8::Function>, argument: Option<&str>) -> Call {
    deno_core::scope!(scope, runtime);
    v8::tc_scope!(let scope, scope);
    let function = v8::Local::new(scope, function);
    let this = v8::undefined(scope).into();
    let argument = match argument.map(|text| v8::String::new(scope, text)) {
        None => None,
        Some(Some(text)) => Some(v8::Local::<v8::Value>::from(text)),
        Some(None) => return Call::Threw("the request is too large for the JavaScript engine".into()),
    };
    let result = match argument {
        Some(argument) => function.call(scope, this, &[argument]),
        None => function.call(scope, this, &[]),
    };
    match result {
        Some(value) => Call::Returned(value.is_string().then(|| value.to_rust_string_lossy(scope))),
        None if scope.has_terminated() || scope.is_execution_terminating() => Call::Terminated,
        None => match scope.exception() {
            Some(exception) => Call::Threw(deno_core::error::JsError::from_v8_exception(scope, exception).to_string()),
            None => Call::Threw("the render failed without an exception".into()),
        },
    }
}

/// `globalThis[name]` when it is a function.
fn global_function(scope: &mut v8::PinScope<'_, '_>, name: &str) -> Option<v8::Global<v8::Function>> {
    let global = scope.get_current_context().global(scope);
    let key = v8::String::new(scope, name)?;
    let value = global.get(scope, key.into())?;
    let function = v8::Local::<v8::Function>::try_from(value).ok()?;
    Some(v8::Global::new(scope, function))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTER_BUNDLE: &str = r#"
        let renders = 0;
        globalThis.__mizanRender = (json) => {
            const request = JSON.parse(json);
            renders += 1;
            setTimeout(() => { throw new Error("timers never fire during SSR"); }, 0);
            return JSON.stringify({
                html: `<p>${request.url} ${request.ssrData.who} #${renders}</p>`,
                status: request.url === "/missing" ? 404 : 200,
                head: "<title>t</title>",
            });
        };
    "#;

    #[test]
    fn renders_and_reuses_the_runtime() {
        let bundle = Bundle::new("counter.js", COUNTER_BUNDLE);
        let mut renderer = Renderer::new(&bundle).unwrap();
        let first = renderer.render(r#"{"url":"/","ssrData":{"who":"Ann"}}"#).unwrap();
        assert_eq!(
            first,
            RenderOutput {
                html: "<p>/ Ann #1</p>".into(),
                status: 200,
                head: "<title>t</title>".into(),
                missing: Vec::new()
            }
        );
        let second = renderer.render(r#"{"url":"/missing","ssrData":{"who":"Bo"}}"#).unwrap();
        assert_eq!(second.html, "<p>/missing Bo #2</p>", "the bundle is evaluated once, then reused");
        assert_eq!(second.status, 404);
    }

    #[test]
    fn request_strings_cross_into_javascript_intact() {
        let bundle =
            Bundle::new("echo.js", "globalThis.__mizanRender = (j) => JSON.stringify({ html: JSON.parse(j).s });");
        let mut renderer = Renderer::new(&bundle).unwrap();
        let tricky = "</script><!-- & \u{2028}\u{2029} \"quoted\" \\ ✓ 😀";
        let request = serde_json::json!({ "s": tricky }).to_string();
        assert_eq!(renderer.render(&request).unwrap().html, tricky);
    }

    #[test]
    fn a_throwing_render_is_an_error_and_the_runtime_survives() {
        let bundle = Bundle::new(
            "throws.js",
            r#"globalThis.__mizanRender = (j) => { if (JSON.parse(j).boom) throw new Error("kaboom"); return JSON.stringify({ html: "ok" }); };"#,
        );
        let mut renderer = Renderer::new(&bundle).unwrap();
        let error = renderer.render(r#"{"boom":true}"#).unwrap_err();
        assert!(matches!(&error, SsrError::Render(message) if message.contains("kaboom")), "{error}");
        assert_eq!(renderer.render(r#"{"boom":false}"#).unwrap().html, "ok");
    }

    #[test]
    fn bundles_without_the_entry_point_are_rejected() {
        let error = Renderer::new(&Bundle::new("empty.js", "1 + 1")).unwrap_err();
        assert!(matches!(error, SsrError::MissingEntry(_)), "{error}");
        let error = Renderer::new(&Bundle::new("broken.js", "this is not javascript")).unwrap_err();
        assert!(matches!(error, SsrError::Load { .. }), "{error}");
    }

    #[test]
    fn invalid_output_is_reported() {
        let bundle = Bundle::new("bad.js", "globalThis.__mizanRender = () => 42;");
        let error = Renderer::new(&bundle).unwrap().render("{}").unwrap_err();
        assert!(matches!(error, SsrError::InvalidOutput(_)), "{error}");
    }

    fn limited(source: &str, limits: Limits) -> Renderer {
        Renderer::new(&Bundle::new("limited.js", source.to_owned()).with_limits(limits)).unwrap()
    }

    const LOOPS_ON_DEMAND: &str = r#"
        globalThis.__mizanRender = (json) => {
            const request = JSON.parse(json);
            if (request.loop) { while (true) {} }
            return JSON.stringify({ html: "fine" });
        };
    "#;

    #[test]
    fn a_render_past_its_budget_is_stopped_and_the_runtime_reused() {
        let budget = std::time::Duration::from_millis(200);
        let mut renderer = limited(LOOPS_ON_DEMAND, Limits { time_budget: budget, ..Limits::default() });
        let error = renderer.render(r#"{"loop":true}"#).unwrap_err();
        assert!(matches!(error, SsrError::Timeout(b) if b == budget), "{error}");
        assert!(!renderer.is_spent());
        for _ in 0..3 {
            assert_eq!(renderer.render(r#"{"loop":false}"#).unwrap().html, "fine", "the runtime keeps working");
        }
        assert!(matches!(renderer.render(r#"{"loop":true}"#), Err(SsrError::Timeout(_))), "and can be stopped again");
        assert_eq!(renderer.render("{}").unwrap().html, "fine");
    }

    #[test]
    fn a_render_that_allocates_without_bound_hits_the_heap_limit() {
        let bundle = r#"
            globalThis.__mizanRender = (json) => {
                if (JSON.parse(json).bomb) { const hoard = []; while (true) hoard.push("x".repeat(1 << 20) + hoard.length); }
                return JSON.stringify({ html: "fine" });
            };
        "#;
        let limits = Limits { heap_limit: 16 * 1024 * 1024, time_budget: std::time::Duration::from_secs(30) };
        let mut renderer = limited(bundle, limits);
        assert_eq!(renderer.render("{}").unwrap().html, "fine");
        let error = renderer.render(r#"{"bomb":true}"#).unwrap_err();
        assert!(matches!(error, SsrError::HeapLimit(limit) if limit == limits.heap_limit), "{error}");
        assert!(renderer.is_spent(), "a runtime that hit the limit is replaced");
        assert!(matches!(renderer.render("{}"), Err(SsrError::HeapLimit(_))));

        // The pool replaces a spent runtime by itself.
        let bundle = Bundle::new("bomb.js", bundle).with_limits(limits);
        drop(renderer);
        assert!(matches!(crate::render(&bundle, r#"{"bomb":true}"#), Err(SsrError::HeapLimit(_))));
        assert_eq!(crate::render(&bundle, "{}").unwrap().html, "fine");
    }

    #[test]
    fn globals_a_render_sets_do_not_reach_the_next_render() {
        let bundle = r#"
            globalThis.shared = "from the bundle";
            const originalJson = JSON;
            globalThis.__mizanRender = () => {
                const seen = {
                    visits: globalThis.visits ?? 0,
                    shared: globalThis.shared,
                    json: globalThis.JSON === originalJson,
                    symbol: globalThis[Symbol.for("secret")] ?? "none",
                };
                globalThis.visits = seen.visits + 1;
                globalThis.shared = "changed by a render";
                globalThis[Symbol.for("secret")] = "kept";
                globalThis.JSON = { stringify: originalJson.stringify, parse: () => "hijacked" };
                return originalJson.stringify({ html: originalJson.stringify(seen) });
            };
        "#;
        let mut renderer = Renderer::new(&Bundle::new("leaky.js", bundle)).unwrap();
        let first = renderer.render("{}").unwrap().html;
        let second = renderer.render("{}").unwrap().html;
        assert_eq!(first, second, "every render starts from the same globals");
        assert!(second.contains(r#""visits":0"#) && second.contains(r#""shared":"from the bundle""#), "{second}");
        assert_eq!(second, r#"{"visits":0,"shared":"from the bundle","json":true,"symbol":"none"}"#);
    }

    #[test]
    fn globals_are_restored_after_a_terminated_render_too() {
        let bundle = r#"
            globalThis.__mizanRender = (json) => {
                const request = JSON.parse(json);
                const before = globalThis.marker ?? "clean";
                globalThis.marker = "dirty";
                if (request.loop) { while (true) {} }
                return JSON.stringify({ html: before });
            };
        "#;
        let limits = Limits { time_budget: std::time::Duration::from_millis(100), ..Limits::default() };
        let mut renderer = limited(bundle, limits);
        assert!(matches!(renderer.render(r#"{"loop":true}"#), Err(SsrError::Timeout(_))));
        assert_eq!(renderer.render("{}").unwrap().html, "clean");
    }

    /// The web globals of the prelude give what Node.js gives on the same cases (see
    /// tests/env/env.test.mjs, which checks expected.json against Node).
    #[test]
    fn web_globals_match_node() {
        let cases = include_str!("../tests/env/cases.js");
        let bundle = format!(
            "{cases}\nglobalThis.__mizanRender = () => JSON.stringify({{ html: JSON.stringify(runEnvCases()) }});"
        );
        let mut renderer = Renderer::new(&Bundle::new("env-cases.js", bundle)).unwrap();
        let expected: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("../tests/env/expected.json")).unwrap();
        for _ in 0..2 {
            let html = renderer.render("{}").unwrap().html;
            let actual: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&html).unwrap();
            let differences: Vec<String> = expected
                .iter()
                .filter(|(name, value)| actual.get(*name) != Some(value))
                .map(|(name, value)| {
                    format!(
                        "{name}\n  node:    {value}\n  runtime: {}",
                        actual.get(name).unwrap_or(&serde_json::Value::Null)
                    )
                })
                .collect();
            assert!(
                differences.is_empty(),
                "{} cases differ from Node:\n{}",
                differences.len(),
                differences.join("\n")
            );
            assert_eq!(actual.len(), expected.len(), "the same cases ran");
        }
    }

    #[test]
    fn web_globals_a_render_cannot_change_them_for_the_next() {
        let bundle = r#"
            // While the bundle loads, the web objects can still be extended (polyfills do).
            URLSearchParams.prototype.fromTheBundle = () => "kept";
            globalThis.__mizanRender = () => {
                const seen = [
                    typeof URL.prototype.hacked,
                    typeof crypto.getRandomValues,
                    typeof performance.now,
                    String(AbortSignal.abort("why").reason),
                    new URL("https://a.example/x").href,
                    new URLSearchParams().fromTheBundle(),
                ];
                const attempts = [
                    () => { URL.prototype.hacked = true; },
                    () => Object.defineProperty(URL.prototype, "href", { get: () => "hijacked" }),
                    () => { crypto.getRandomValues = null; },
                    () => { performance.now = () => 0; },
                    () => { AbortSignal.abort = () => "replaced"; },
                    () => { Intl.NumberFormat = null; },
                ];
                for (const attempt of attempts) { try { attempt(); } catch {} }
                return JSON.stringify({ html: JSON.stringify(seen) });
            };
        "#;
        let mut renderer = Renderer::new(&Bundle::new("mutates.js", bundle)).unwrap();
        let first = renderer.render("{}").unwrap().html;
        assert_eq!(first, r#"["undefined","function","function","why","https://a.example/x","kept"]"#);
        assert_eq!(renderer.render("{}").unwrap().html, first, "the next render sees the originals");
    }

    #[test]
    fn the_thread_local_pool_follows_the_bundle() {
        let a = Bundle::new("a.js", "globalThis.__mizanRender = () => JSON.stringify({ html: 'a' });");
        let b = Bundle::new("b.js", "globalThis.__mizanRender = () => JSON.stringify({ html: 'b' });");
        assert_eq!(crate::render(&a, "{}").unwrap().html, "a");
        assert_eq!(crate::render(&b, "{}").unwrap().html, "b");
        assert_eq!(crate::render(&a, "{}").unwrap().html, "a");
    }
}
