//! Carries a field's `#[validate(...)]` rules into its JSON Schema, as the extension
//! `x-mizan-rules`, so codegen can mirror them in Zod with the same parameters and messages.
//! (`schemars` reads some validator attributes into standard keywords, but drops custom
//! messages, exclusive bounds, `must_match` and `does_not_contain`.)

use proc_macro2::TokenStream;
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Expr, Lit};

/// Name of the schema extension; codegen reads it (`mizan::codegen`).
const EXTENSION: &str = "x-mizan-rules";

/// `#[mizan::rules]`: the struct, with `rules_attribute` added to each field that has rules.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new_spanned(attr, "`#[mizan::rules]` takes no arguments"));
    }
    let mut item = struct_item(item, "`#[mizan::rules]` goes on a struct whose fields have `#[validate(...)]` rules")?;
    let mut has_rules = false;
    for field in item.fields.iter_mut() {
        if let Some(extra) = rules_attribute(&field.attrs) {
            field.attrs.push(syn::parse_quote!(#extra));
            has_rules = true;
        }
    }
    if has_rules {
        derive_below(&item.attrs, "#[mizan::rules]")?;
    }
    Ok(quote!(#item))
}

/// The `JsonSchema` derive reads the attributes `rules_attribute` adds only when it comes
/// after the macro that adds them (`attrs` are the attributes below that macro's own): above
/// it, the rules would silently be missing from the schema.
pub(crate) fn derive_below(attrs: &[Attribute], macro_name: &str) -> syn::Result<()> {
    fn mentions(tokens: TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == name,
            proc_macro2::TokenTree::Group(group) => mentions(group.stream(), name),
            _ => false,
        })
    }
    let derived = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive") || attr.path().is_ident("cfg_attr"))
        .any(|attr| mentions(quote!(#attr), "JsonSchema"));
    if derived {
        return Ok(());
    }
    Err(syn::Error::new(
        proc_macro2::Span::call_site(),
        format!(
            "`{macro_name}` adds the field rules for the `JsonSchema` derive, which must come below it: \
`{macro_name}` first, then `#[derive(Deserialize, JsonSchema, Validate)]`"
        ),
    ))
}

/// The struct an attribute macro is put on; anything else is `message`, pointed at the item's
/// name (or its first token when it has none).
pub(crate) fn struct_item(item: TokenStream, message: &str) -> syn::Result<syn::ItemStruct> {
    use syn::spanned::Spanned;
    let span = match syn::parse2::<syn::Item>(item)? {
        syn::Item::Struct(item) => return Ok(item),
        syn::Item::Enum(item) => item.ident.span(),
        syn::Item::Union(item) => item.ident.span(),
        syn::Item::Fn(item) => item.sig.ident.span(),
        syn::Item::Type(item) => item.ident.span(),
        syn::Item::Trait(item) => item.ident.span(),
        syn::Item::Impl(item) => item.self_ty.span(),
        other => other.span(),
    };
    Err(syn::Error::new(span, message))
}

/// `#[schemars(extend("x-mizan-rules" = [...]))]` for a field with `#[validate]` attributes,
/// or nothing. Rules it does not understand are left to `validator`, which reports misuse.
pub(crate) fn rules_attribute(attrs: &[Attribute]) -> Option<TokenStream> {
    let mut rules = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("validate")) {
        // A malformed attribute is `validator`'s to report, with its own messages.
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(rule) = rule(&meta) {
                rules.push(rule);
            }
            Ok(())
        });
    }
    if rules.is_empty() {
        return None;
    }
    Some(quote!(#[schemars(extend(#EXTENSION = [#(#rules),*]))]))
}

/// One rule as a JSON object expression (`{"rule": "length", "min": (1), ...}`).
fn rule(meta: &ParseNestedMeta<'_>) -> Option<TokenStream> {
    let name = meta.path.get_ident()?.to_string();
    if name == "nested" {
        // Nested types carry their own rules in their own schema.
        return None;
    }
    let mut fields: Vec<TokenStream> = vec![quote!("rule": #name)];
    if meta.input.peek(syn::token::Paren) {
        let mut ok = true;
        let parsed = meta.parse_nested_meta(|inner| {
            let Some(key) = inner.path.get_ident().map(ToString::to_string) else {
                ok = false;
                return Ok(());
            };
            let value: Expr = inner.value()?.parse()?;
            let value = match (name.as_str(), key.as_str()) {
                // The pattern of a `Regex` (or `LazyLock<Regex>`, ...), read when the schema is made.
                ("regex", "path") => {
                    fields.push(quote!("pattern": (::mizan::__private::regex_source(&#value))));
                    return Ok(());
                }
                // `must_match(other = "password")` or `must_match(other = password)`.
                ("must_match", "other") => match &value {
                    Expr::Path(path) => {
                        let other = path.path.get_ident().map(ToString::to_string).unwrap_or_default();
                        quote!(#other)
                    }
                    Expr::Lit(_) => quote!(#value),
                    other => quote!((#other)),
                },
                (_, "message" | "code" | "pattern") => match &value {
                    Expr::Lit(lit) if matches!(lit.lit, Lit::Str(_)) => quote!(#value),
                    _ => quote!((#value)),
                },
                // Bounds may be literals or constants; either way a number at run time.
                _ => quote!((#value)),
            };
            fields.push(quote!(#key: #value));
            Ok(())
        });
        if parsed.is_err() || !ok {
            return None;
        }
    } else if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
        return None;
    }
    Some(quote!({ #(#fields),* }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(attr: TokenStream) -> String {
        let attrs: Vec<Attribute> = vec![syn::parse_quote!(#attr)];
        rules_attribute(&attrs).map(|tokens| tokens.to_string()).unwrap_or_default()
    }

    #[test]
    fn rules_keep_their_parameters_and_messages() {
        let out = rules(quote!(#[validate(length(min = 1, max = MAX, message = "1 to 40"), email)]));
        assert!(out.contains("\"x-mizan-rules\""), "{out}");
        assert!(
            out.contains("\"rule\" : \"length\" , \"min\" : (1) , \"max\" : (MAX) , \"message\" : \"1 to 40\""),
            "{out}"
        );
        assert!(out.contains("{ \"rule\" : \"email\" }"), "{out}");
    }

    #[test]
    fn regexes_and_must_match_are_read_for_the_schema() {
        let out = rules(quote!(#[validate(regex(path = *NAME_RE), must_match(other = "password"))]));
        assert!(out.contains("regex_source (& * NAME_RE)"), "{out}");
        assert!(out.contains("\"other\" : \"password\""), "{out}");
        let out = rules(quote!(#[validate(must_match(other = password))]));
        assert!(out.contains("\"other\" : \"password\""), "{out}");
    }

    #[test]
    fn the_json_schema_derive_must_come_below() {
        let item = quote!(
            #[derive(Deserialize, schemars::JsonSchema, Validate)]
            struct S {
                #[validate(email)]
                a: String,
            }
        );
        assert!(expand(quote!(), item).is_ok());
        let item = quote!(
            #[derive(Deserialize, Validate)]
            struct S {
                #[validate(email)]
                a: String,
            }
        );
        let error = expand(quote!(), item).unwrap_err().to_string();
        assert!(error.contains("must come below it"), "{error}");
        let item = quote!(
            struct S {
                a: String,
            }
        );
        assert!(expand(quote!(), item).is_ok(), "nothing to carry without rules");
    }

    #[test]
    fn fields_without_rules_get_nothing() {
        assert_eq!(rules(quote!(#[serde(default)])), "");
        assert_eq!(rules(quote!(#[validate(nested)])), "");
    }
}
