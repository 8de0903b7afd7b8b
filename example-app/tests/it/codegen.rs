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
        // The chat's parameters and messages carry the server's rules and messages.
        r#"room: z.string().refine(rules.length({ min: 1, max: 40 }), "a room name has 1 to 40 characters"),"#,
        r#"text: z.string().refine(rules.length({ min: 1, max: 500 }), "say 1 to 500 characters"),"#,
    ] {
        assert!(generated.contains(needle), "missing `{needle}` in:\n{generated}");
    }
}

/// `codegen --check` finds every function, form and channel the app defines registered.
#[test]
fn every_definition_is_registered() {
    let registry = example_app::app().registry().unwrap();
    assert_eq!(mizan::codegen::check_listed(&registry).map_err(|error| error.to_string()), Ok(()));
    // The check sees the app's definitions: a registry without them reports each.
    let empty = mizan::Mizan::new().registry().unwrap();
    let error = mizan::codegen::check_listed(&empty).unwrap_err().to_string();
    // Each with its module and file (the file's path is relative to the workspace, which for
    // an app made with `mizan new` is the app itself).
    for (needle, file) in [
        ("function `echo` (example_app::api, ", "src/api.rs:"),
        ("form `contact` (example_app::forms, ", "src/forms.rs:"),
        ("channel `chat` (example_app::chat, ", "src/chat.rs:"),
    ] {
        let line = error.lines().find(|line| line.contains(needle));
        assert!(line.is_some_and(|line| line.contains(file)), "missing {needle:?} ({file}) in:\n{error}");
    }
}
