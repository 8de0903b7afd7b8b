//! The committed TypeScript client is generated from the registry and current.

#[test]
fn the_generated_client_is_current() {
    let app = example_app::app();
    let generated = mizan::codegen::generate(&app.registry().unwrap()).unwrap();
    let committed = std::fs::read_to_string(example_app::GENERATED_CLIENT).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `make codegen` and commit the result",
        example_app::GENERATED_CLIENT
    );
    assert!(generated.starts_with(mizan::codegen::GENERATED_MARKER));
    for needle in [
        "export function echo(input: EchoInput",
        "export function useEcho()",
        "export function useServerTime(): ServerTime",
        "export function useServerTimeQuery(): ContextQueryResult<ServerTime>",
        // A local context: fetcher, provider and hook.
        "export function fetchGreet(input: GreetInput, options?: CallOptions): Promise<Greeting>",
        "export const GreetProvider = GreetContext.Provider;",
        "export const useGreet = GreetContext.use;",
        // Declared invalidations travel with the call.
        r#"return callFunction<number>("increment", input, options, ["counter"]);"#,
    ] {
        assert!(generated.contains(needle), "missing `{needle}` in:\n{generated}");
    }
}
