//! Procedural macros of Mizan. Use them through the `mizan` crate (`#[mizan::client]`),
//! which documents them.

use proc_macro::TokenStream;

mod client;
mod client_error;
mod doc;

/// Marks an async function as callable from the client. See `mizan::client`.
#[proc_macro_attribute]
pub fn client(attr: TokenStream, item: TokenStream) -> TokenStream {
    client::expand(attr.into(), item.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Derives `mizan::ClientError` for a function's own error enum. See `mizan::ClientError`.
#[proc_macro_derive(ClientError, attributes(client_error))]
pub fn derive_client_error(input: TokenStream) -> TokenStream {
    client_error::expand(input.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}
