//! The runtime's own ops: what the web globals of the prelude cannot do in JavaScript.

use deno_core::op2;

/// Fills `bytes` from the operating system's random source (for `crypto.getRandomValues` and
/// `crypto.randomUUID`); false when that source fails.
#[op2(fast)]
fn op_mizan_fill_random(#[buffer] bytes: &mut [u8]) -> bool {
    getrandom::fill(bytes).is_ok()
}

deno_core::extension!(mizan_web, ops = [op_mizan_fill_random]);

/// The extension that registers the ops (on `Deno.core.ops`).
pub(crate) fn extension() -> deno_core::Extension {
    mizan_web::init()
}
