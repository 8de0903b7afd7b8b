//! Calls: per call its arguments' type `<Name>Input` with their Zod schema, the call function
//! `<name>()` (carrying its declared invalidations) and the hook `use<Name>()`; a form's submit
//! function also brings the form ([`super::forms`]).

use std::fmt::Write as _;

use serde_json::Value;

use super::names::{camel_case, pascal_case};
use super::{forms, types, CodegenError, Writer};
use crate::core::form_schema::FormSchema;
use crate::core::function::{FormRole, FunctionMeta};

/// The arguments' type, the call function and its hook of `function`, which takes `input` and
/// answers the TypeScript type `output`; with the form it belongs to, if any.
pub(super) fn write(
    w: &mut Writer,
    function: &FunctionMeta,
    form: Option<&(FormRole, FormSchema)>,
    input: &Value,
    output: &str,
) -> Result<(), CodegenError> {
    let (input_name, _) = write_input(w, function, form, input)?;
    let owner = format!("`{}`", function.name);
    let camel = camel_case(function.name);
    w.claim(&camel, &owner)?;
    let invalidates = match function.invalidates {
        [] => String::new(),
        keys => format!(", {}", serde_json::to_string(keys).expect("strings serialise")),
    };
    w.doc(function, "Calls");
    let _ = writeln!(
        w.body,
        "export function {camel}(input: {input_name}, options?: CallOptions): Promise<{output}> {{\n  return callFunction<{output}>({name:?}, input, options{invalidates});\n}}\n",
        name = function.name,
    );
    let hook = format!("use{}", pascal_case(function.name));
    w.claim(&hook, &owner)?;
    let _ = writeln!(
        w.body,
        "/** React hook calling `{name}`: `{{ call, data, error, isPending, reset }}`. */\nexport function {hook}(): CallState<{input_name}, {output}> {{\n  return useCall({camel});\n}}",
        name = function.name,
    );
    w.import(["callFunction", "useCall", "type CallOptions", "type CallState"]);
    if let Some((FormRole::Submit, form)) = form {
        forms::write(w, form, &camel, &input_name, output)?;
    }
    Ok(())
}

/// `<Name>Input`, the type of `function`'s arguments (`input`), with its Zod schema; for a form's
/// submit function with its required fields checked as the server checks them, for its validate
/// function `Partial` of the submit function's. Returns the name and the schema as written.
pub(super) fn write_input(
    w: &mut Writer,
    function: &FunctionMeta,
    form: Option<&(FormRole, FormSchema)>,
    input: &Value,
) -> Result<(String, Value), CodegenError> {
    let input_name = format!("{}Input", pascal_case(function.name));
    let owner = format!("`{}`", function.name);
    w.claim(&input_name, &owner)?;
    let mut schema = w.prepare(input);
    match form {
        // `<form>.validate` takes any part of the values `<form>.submit` takes.
        Some((FormRole::Validate, form)) => {
            let _ = writeln!(
                w.body,
                "/** Arguments of `{}`: any of the form's fields. */\nexport type {input_name} = Partial<{}SubmitInput>;\n",
                function.name,
                pascal_case(&form.name),
            );
        }
        _ => {
            if let Some((FormRole::Submit, _)) = form {
                forms::require_fields(&mut schema);
            }
            let (doc, what) =
                (format!("Arguments of `{}`.", function.name), format!("the arguments of `{}`", function.name));
            let declaration = types::declare(w, &input_name, &schema, &doc, &what, &owner, function.name)?;
            w.body.push_str(&declaration);
        }
    }
    Ok((input_name, schema))
}
