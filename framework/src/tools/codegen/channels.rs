//! Channels: per channel the hook `use<Name>Channel(params)`, subscribing over the app's one
//! WebSocket, typed with the channel's parameters and its server's and clients' messages.

use std::fmt::Write as _;

use serde_json::Value;

use super::names::pascal_case;
use super::{CodegenError, Writer};

/// `use<Name>Channel()` of the channel `name`, whose parameters, server messages and client
/// messages `schemas` describes, in that order.
pub(super) fn write(w: &mut Writer, name: &str, schemas: &[Value; 3]) -> Result<(), CodegenError> {
    let [params, server, client] = schemas;
    let function = format!("channel {name}");
    let pascal = pascal_case(name);
    let hook = format!("use{pascal}Channel");
    w.claim(&hook, &format!("channel `{name}`"))?;
    let params = w.ts_type(params, &format!("{pascal} channel parameters"), &function)?;
    let server = w.ts_type(server, &format!("{pascal} channel messages"), &function)?;
    let client = w.ts_type(client, &format!("{pascal} channel client messages"), &function)?;
    let sends = if client == "never" {
        String::from("It accepts no messages from clients.")
    } else {
        format!("`send({client})` sends to the server.")
    };
    let _ = write!(
        w.body,
        "/**\n * Subscribes to the channel `{name}` for `params` (over the app's one WebSocket) while mounted:\n * `{{ messages, lastMessage, status, error, send, clear }}`. {sends}\n */\nexport function {hook}(\n  params: {params},\n  options?: ChannelOptions<{server}>,\n): ChannelState<{server}, {client}> {{\n  return useChannel<{params}, {server}, {client}>({name:?}, params, options);\n}}\n",
    );
    w.import(["useChannel", "type ChannelOptions", "type ChannelState"]);
    Ok(())
}
