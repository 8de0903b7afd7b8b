use deno_core::{v8, JsRuntime, RuntimeOptions};

use crate::{Bundle, RenderOutput, SsrError};

const PRELUDE: &str = include_str!("js/prelude.js");

/// One JavaScript runtime with a server bundle loaded, reused across renders.
pub struct Renderer {
    runtime: JsRuntime,
    bundle_id: u64,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("bundle_id", &self.bundle_id).finish_non_exhaustive()
    }
}

impl Renderer {
    /// Creates a runtime, installs the web-API prelude and evaluates `bundle`.
    pub fn new(bundle: &Bundle) -> Result<Self, SsrError> {
        let mut runtime = JsRuntime::new(RuntimeOptions::default());
        let load_error = |error: Box<deno_core::error::JsError>| SsrError::Load {
            bundle: bundle.name().to_owned(),
            message: error.to_string(),
        };
        runtime.execute_script("mizan:prelude.js", PRELUDE).map_err(load_error)?;
        runtime.execute_script(format!("mizan:{}", bundle.name()), bundle.source().to_owned()).map_err(load_error)?;
        let installed = runtime
            .execute_script("mizan:check", "typeof globalThis.__mizanRender === 'function'")
            .map_err(load_error)?;
        let installed = {
            deno_core::scope!(scope, &mut runtime);
            v8::Local::new(scope, installed).is_true()
        };
        if !installed {
            return Err(SsrError::MissingEntry(bundle.name().to_owned()));
        }
        Ok(Self { runtime, bundle_id: bundle.id() })
    }

    /// The id of the bundle this renderer loaded.
    pub fn bundle_id(&self) -> u64 {
        self.bundle_id
    }

    /// Renders one request. `request_json` is the JSON the bundle's `__mizanRender` receives
    /// (Mizan sends `{"url": ..., "ssrData": ...}`).
    pub fn render(&mut self, request_json: &str) -> Result<RenderOutput, SsrError> {
        // A JSON string literal is a valid JavaScript string literal.
        let literal = serde_json::to_string(request_json).expect("a string always serialises");
        let script =
            format!("try {{ globalThis.__mizanRender({literal}) }} finally {{ globalThis.__mizanAfterRender() }}");
        let result =
            self.runtime.execute_script("mizan:render", script).map_err(|error| SsrError::Render(error.to_string()))?;
        let text = {
            deno_core::scope!(scope, &mut self.runtime);
            let value = v8::Local::new(scope, result);
            if !value.is_string() {
                return Err(SsrError::InvalidOutput("`__mizanRender` must return a JSON string".into()));
            }
            value.to_rust_string_lossy(scope)
        };
        serde_json::from_str(&text).map_err(|error| SsrError::InvalidOutput(error.to_string()))
    }
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

    #[test]
    fn the_thread_local_pool_follows_the_bundle() {
        let a = Bundle::new("a.js", "globalThis.__mizanRender = () => JSON.stringify({ html: 'a' });");
        let b = Bundle::new("b.js", "globalThis.__mizanRender = () => JSON.stringify({ html: 'b' });");
        assert_eq!(crate::render(&a, "{}").unwrap().html, "a");
        assert_eq!(crate::render(&b, "{}").unwrap().html, "b");
        assert_eq!(crate::render(&a, "{}").unwrap().html, "a");
    }
}
