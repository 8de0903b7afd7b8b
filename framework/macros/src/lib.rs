//! Procedural macros of Mizan. Use them through the `mizan` crate (`#[mizan::client]`),
//! which documents them.

use proc_macro::TokenStream;

mod channel;
mod client;
mod client_error;
mod doc;
mod embed;
mod form;
mod rules;

/// Marks an async function as callable from the client. See `mizan::client`.
#[proc_macro_attribute]
pub fn client(attr: TokenStream, item: TokenStream) -> TokenStream {
    client::expand(attr.into(), item.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Records a `Channel` impl for `codegen --check`. See `mizan::channel`.
#[proc_macro_attribute]
pub fn channel(attr: TokenStream, item: TokenStream) -> TokenStream {
    keep_item_on_error(channel::expand(attr.into(), item.clone().into()), item)
}

/// Derives `mizan::ClientError` for a function's own error enum. See `mizan::ClientError`.
#[proc_macro_derive(ClientError, attributes(client_error))]
pub fn derive_client_error(input: TokenStream) -> TokenStream {
    client_error::expand(input.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Declares a form: field metadata, rules for the client, the form's name. See `mizan::form`.
#[proc_macro_attribute]
pub fn form(attr: TokenStream, item: TokenStream) -> TokenStream {
    form::expand(attr.into(), item.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// The frontend build: from disk in debug builds, embedded in release builds. See `mizan::frontend`.
#[proc_macro]
pub fn frontend(input: TokenStream) -> TokenStream {
    embed::expand(input.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Every file under a directory (relative to the crate), minus the listed names:
/// `embed_dir!("../example-app", ["target", "node_modules"])` → `&[(name, bytes)]`.
/// For the `mizan new` templates.
#[doc(hidden)]
#[proc_macro]
pub fn embed_dir(input: TokenStream) -> TokenStream {
    embed::expand_dir(input.into()).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Carries a struct's `#[validate]` rules into its JSON Schema for codegen. See `mizan::rules`.
#[proc_macro_attribute]
pub fn rules(attr: TokenStream, item: TokenStream) -> TokenStream {
    keep_item_on_error(rules::expand(attr.into(), item.clone().into()), item)
}

/// The expansion of a macro that only adds to its item, or, on misuse, the error with the item
/// unchanged: the error is then the only one, without others about the item having vanished.
fn keep_item_on_error(expansion: syn::Result<proc_macro2::TokenStream>, item: TokenStream) -> TokenStream {
    match expansion {
        Ok(expansion) => expansion.into(),
        Err(error) => {
            let mut item = proc_macro2::TokenStream::from(item);
            item.extend(error.into_compile_error());
            item.into()
        }
    }
}
