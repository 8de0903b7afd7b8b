//! The JSON Schemas of a registry's functions and channels, and of the types they refer to.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::typescript;
use crate::core::function::FunctionKind;
use crate::registry::Registry;

/// Every schema the module needs, as JSON.
///
/// Arguments are described as serde *reads* them (an `Option` field may be left out; a
/// `#[serde(default)]` field is optional) and results as serde *writes* them (an `Option` field
/// is always there, possibly `null`, unless it has `skip_serializing_if`). A type used both ways
/// whose two shapes differ is written twice: `Name` for results and `NameInput` for arguments.
pub(super) struct Schemas {
    /// Per function but the global contexts: its arguments.
    pub(super) inputs: HashMap<&'static str, Value>,
    /// Per function: its result.
    pub(super) outputs: HashMap<&'static str, Value>,
    /// Per function declaring its own errors: their union.
    pub(super) errors: HashMap<&'static str, Value>,
    /// Per channel: the parameters, the server's messages and the clients' messages.
    pub(super) channels: BTreeMap<&'static str, [Value; 3]>,
    /// The named types the others refer to, by name.
    pub(super) definitions: BTreeMap<String, Value>,
}

impl Schemas {
    /// The schemas of `registry`'s functions and channels.
    pub(super) fn collect(registry: &Registry) -> Self {
        let mut reading = SchemaSettings::draft2020_12().for_deserialize().into_generator();
        let mut writing = SchemaSettings::draft2020_12().for_serialize().into_generator();
        let (mut inputs, mut outputs, mut errors) = (HashMap::new(), HashMap::new(), HashMap::new());
        for function in registry.iter() {
            let name = function.name();
            if function.kind() != FunctionKind::GlobalContext {
                inputs.insert(name, Value::from(function.input_schema(&mut reading)));
            }
            outputs.insert(name, Value::from(function.output_schema(&mut writing)));
            if let Some(schema) = function.error_schema(&mut writing) {
                errors.insert(name, Value::from(schema));
            }
        }
        let mut channels = BTreeMap::new();
        for channel in registry.channels() {
            let params = Value::from(channel.params_schema(&mut reading));
            let server = Value::from(channel.server_message_schema(&mut writing));
            let client = Value::from(channel.client_message_schema(&mut reading));
            channels.insert(channel.name(), [params, server, client]);
        }
        let read: BTreeMap<String, Value> =
            reading.take_definitions(true).into_iter().map(|(name, schema)| (name, Value::from(schema))).collect();
        let mut definitions: BTreeMap<String, Value> =
            writing.take_definitions(true).into_iter().map(|(name, schema)| (name, Value::from(schema))).collect();
        let renamed: BTreeSet<String> = read
            .iter()
            .filter(|(name, schema)| definitions.get(*name).is_some_and(|written| written != *schema))
            .map(|(name, _)| name.clone())
            .collect();
        let rename = |schema: &mut Value| rename_references(schema, &renamed);
        for (name, mut schema) in read {
            rename(&mut schema);
            let name = if renamed.contains(&name) { format!("{name}Input") } else { name };
            definitions.entry(name).or_insert(schema);
        }
        inputs.values_mut().for_each(rename);
        for [params, _, client] in channels.values_mut() {
            rename(params);
            rename(client);
        }
        Self { inputs, outputs, errors, channels, definitions }
    }
}

/// Points `$ref`s to the names in `renamed` at their `NameInput` variant.
fn rename_references(schema: &mut Value, renamed: &BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if renamed.contains(typescript::reference_name(reference)) {
                    reference.push_str("Input");
                }
            }
            map.values_mut().for_each(|value| rename_references(value, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_references(item, renamed)),
        _ => {}
    }
}
