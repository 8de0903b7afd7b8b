//! Contexts. Per global context `use<Name>()` and `use<Name>Query()`, and for all of them the
//! `GlobalContexts` interface of the bundle (`GET /context`, SSR data); per local context its
//! arguments' type, `fetch<Name>()`, `<NameProvider>` and `use<Name>()`.

use std::fmt::Write as _;

use serde_json::Value;

use super::names::pascal_case;
use super::typescript::TypeError;
use super::{calls, CodegenError, Writer};
use crate::core::function::FunctionMeta;

/// `use<Name>()` (suspending) and `use<Name>Query()` of the global context `function`, whose
/// data has the TypeScript type `output`.
pub(super) fn write_global(w: &mut Writer, function: &FunctionMeta, output: &str) -> Result<(), CodegenError> {
    let pascal = pascal_case(function.name);
    let owner = format!("`{}`", function.name);
    let hook = format!("use{pascal}");
    w.claim(&hook, &owner)?;
    w.doc(function, "Reads the global context");
    let _ = writeln!(
        w.body,
        "export function {hook}(): {output} {{\n  return useGlobalContext<{output}>({name:?});\n}}\n",
        name = function.name,
    );
    let query_hook = format!("use{pascal}Query");
    w.claim(&query_hook, &owner)?;
    let _ = writeln!(
        w.body,
        "/** `{name}` with its loading and error state, without suspending: `{{ data, isLoading, error, refetch }}`. */\nexport function {query_hook}(): ContextQueryResult<{output}> {{\n  return useGlobalContextQuery<{output}>({name:?});\n}}",
        name = function.name,
    );
    w.import(["useGlobalContext", "useGlobalContextQuery", "type ContextQueryResult"]);
    Ok(())
}

/// The `GlobalContexts` interface: per global context (name and output schema, sorted by
/// name) its data.
pub(super) fn write_bundle<'a>(
    w: &mut Writer,
    contexts: impl IntoIterator<Item = (&'a str, &'a Value)>,
) -> Result<(), CodegenError> {
    w.body.push_str("/** The global-context bundle (`GET /context`, SSR data), by context name. */\nexport interface GlobalContexts {\n");
    for (name, output) in contexts {
        let output = w.ts_type(output, name, name)?;
        let _ = writeln!(w.body, "  {}: {output};", typescript_key(name));
    }
    w.body.push_str("}\n");
    Ok(())
}

/// The arguments' type, `fetch<Name>()`, `<NameProvider {...args}>` and `use<Name>()` of the
/// local context `function`, which takes `input` and answers the TypeScript type `output`.
pub(super) fn write_local(
    w: &mut Writer,
    function: &FunctionMeta,
    input: &Value,
    output: &str,
) -> Result<(), CodegenError> {
    let (input_name, input) = calls::write_input(w, function, None, input)?;
    if input.pointer("/properties/children").is_some() {
        return Err(CodegenError::type_error(
            function.name,
            TypeError {
                path: format!("{input_name}.children"),
                reason: "a local context's arguments become its provider's props, where `children` is React's; rename the argument".into(),
            },
        ));
    }
    let pascal = pascal_case(function.name);
    let owner = format!("`{}`", function.name);
    let (fetcher, provider, hook, local) =
        (format!("fetch{pascal}"), format!("{pascal}Provider"), format!("use{pascal}"), format!("{pascal}Context"));
    for name in [&fetcher, &provider, &hook, &local] {
        w.claim(name, &owner)?;
    }
    let name = function.name;
    w.doc(function, "Fetches the local context");
    let _ = writeln!(
        w.body,
        "export function {fetcher}(input: {input_name}, options?: CallOptions): Promise<{output}> {{\n  return fetchContext<{output}>({name:?}, input, options);\n}}\n",
    );
    let _ = writeln!(
        w.body,
        "const {local} = createLocalContext<{input_name}, {output}>({name:?}, {{ provider: {provider:?}, hook: {hook:?} }});\n",
    );
    let _ = writeln!(
        w.body,
        "/**\n * Provides the local context `{name}` for the arguments given as props; read it with `{hook}()`.\n * Server-rendered pages carry its data; otherwise it is fetched, once per distinct arguments.\n */\nexport const {provider} = {local}.Provider;\n",
    );
    let _ = writeln!(
        w.body,
        "/** The nearest `<{provider}>`'s `{name}`: `{{ data, isLoading, isFetching, error, refetch }}`. */\nexport const {hook} = {local}.use;",
    );
    w.import(["createLocalContext", "fetchContext", "type CallOptions"]);
    Ok(())
}

/// `name` as a key of the `GlobalContexts` interface: quoted when dotted.
fn typescript_key(name: &str) -> String {
    if name.contains('.') {
        format!("{name:?}")
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Registry;
    use crate::tools::codegen::generate;

    #[crate::client(context = "local")]
    async fn tree(children: Vec<String>) -> crate::Result<u32> {
        Ok(children.len() as u32)
    }

    #[crate::client(context = "local")]
    async fn page(number: i32, size: Option<i32>) -> crate::Result<Vec<String>> {
        Ok(vec![format!("{number}/{size:?}")])
    }

    #[test]
    fn a_local_context_argument_named_children_is_refused() {
        let registry = Registry::new(crate::fns![tree]).unwrap();
        let error = generate(&registry).unwrap_err().to_string();
        assert!(error.contains("TreeInput.children") && error.contains("rename"), "{error}");
    }

    #[test]
    fn a_local_context_gets_a_fetcher_a_provider_and_a_hook() {
        let generated = generate(&Registry::new(crate::fns![page]).unwrap()).unwrap();
        for needle in [
            "export interface PageInput {\n  number: number;\n  size?: number | null;\n}",
            "export function fetchPage(input: PageInput, options?: CallOptions): Promise<string[]> {\n  return fetchContext<string[]>(\"page\", input, options);",
            "const PageContext = createLocalContext<PageInput, string[]>(\"page\", { provider: \"PageProvider\", hook: \"usePage\" });",
            "export const PageProvider = PageContext.Provider;",
            "export const usePage = PageContext.use;",
            "import { createLocalContext, fetchContext, type CallOptions, z } from \"@mizan/react\";",
        ] {
            assert!(generated.contains(needle), "missing {needle:?} in:\n{generated}");
        }
        assert!(!generated.contains("useCall"), "a context is not a call: {generated}");
    }
}
