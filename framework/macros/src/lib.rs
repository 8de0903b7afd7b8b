//! Procedural macros of Mizan. Use them through the `mizan` crate (`#[mizan::client]`),
//! which documents them.

use proc_macro::TokenStream;

mod client;

/// Marks an async function as callable from the client. See `mizan::client`.
#[proc_macro_attribute]
pub fn client(attr: TokenStream, item: TokenStream) -> TokenStream {
    client::expand(attr.into(), item.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}
