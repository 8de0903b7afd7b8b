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
    channel::expand(attr.into(), item.into()).unwrap_or_else(syn::Error::into_compile_error).into()
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
    let attr = proc_macro2::TokenStream::from(attr);
    if !attr.is_empty() {
        return syn::Error::new_spanned(attr, "`#[mizan::rules]` takes no arguments").into_compile_error().into();
    }
    let mut item = syn::parse_macro_input!(item as syn::ItemStruct);
    for field in item.fields.iter_mut() {
        if let Some(extra) = rules::rules_attribute(&field.attrs) {
            let extra: syn::Attribute = syn::parse_quote!(#extra);
            field.attrs.push(extra);
        }
    }
    quote::quote!(#item).into()
}
