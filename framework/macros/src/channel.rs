//! `#[mizan::channel]`: on an `impl Channel for T` block, records the channel for
//! `codegen --check`, which reports channels no `channels!` lists.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ItemImpl;

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new_spanned(attr, "`#[mizan::channel]` takes no arguments"));
    }
    let item: ItemImpl = syn::parse2(item).map_err(|error| {
        syn::Error::new(error.span(), "`#[mizan::channel]` goes on an `impl Channel for YourChannel { ... }` block")
    })?;
    let Some((None, trait_path, _)) = &item.trait_ else {
        return Err(syn::Error::new(
            item.self_ty.span(),
            "`#[mizan::channel]` goes on an `impl Channel for YourChannel { ... }` block",
        ));
    };
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(item.generics.span(), "a registered channel is one type: it cannot be generic"));
    }
    let self_ty = &item.self_ty;
    let line = quote_spanned!(self_ty.span()=> ::core::line!());
    // Mizan's trait by its full path (the impl may name it through an alias): on an impl of
    // another trait, the one error is that the type is not a `Channel`, on the marked impl.
    let name = quote_spanned!(trait_path.span()=> <#self_ty as ::mizan::channels::Channel>::NAME);
    Ok(quote! {
        #item

        // So `codegen --check` can report the channel when no `channels!` lists it.
        ::mizan::__private::inventory::submit! {
            ::mizan::__private::Declared::new(
                #name,
                ::mizan::__private::DeclaredKind::Channel,
                ::core::module_path!(),
                ::core::file!(),
                #line,
            )
        }
    })
}
