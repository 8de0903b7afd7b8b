//! `#[mizan::form]`: reads the form's options and each field's `#[field(...)]` metadata,
//! carries the `#[validate]` rules into the JSON Schema, and implements
//! `mizan::forms::FormDeclaration`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Fields, ItemStruct, LitStr, Meta, Token};

use crate::client::{self, Auth, Errors};

const ACCEPTED: &str = "`#[mizan::form]` accepts `name = \"...\"` (required), `title = \"...\"`, \
`auth = true | \"staff\" | \"superuser\" | path::to::predicate`, `invalidates = [\"key\", ...]` and `body_limit = <bytes>`";

const FIELD_ACCEPTED: &str = "`#[field]` accepts `label = \"...\"`, `help = \"...\"`, `placeholder = \"...\"`, \
`widget = \"...\"`, `initial = <value>` and `choices = [(value, \"label\"), ...]`";

/// Widget names and their `mizan::forms::Widget` variants.
const WIDGETS: &[(&str, &str)] = &[
    ("text", "Text"),
    ("email", "Email"),
    ("password", "Password"),
    ("textarea", "Textarea"),
    ("number", "Number"),
    ("checkbox", "Checkbox"),
    ("select", "Select"),
    ("radio", "Radio"),
    ("date", "Date"),
    ("datetime-local", "DatetimeLocal"),
    ("time", "Time"),
    ("url", "Url"),
    ("tel", "Tel"),
    ("hidden", "Hidden"),
];

#[derive(Default)]
struct FieldOptions {
    label: Option<LitStr>,
    help: Option<LitStr>,
    placeholder: Option<LitStr>,
    widget: Option<syn::Ident>,
    initial: Option<Expr>,
    choices: Option<Vec<(Expr, LitStr)>>,
}

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut item: ItemStruct = crate::rules::struct_item(
        item,
        "`#[mizan::form]` goes on a struct with named fields, one per form field: `pub struct ContactForm { ... }`",
    )?;
    let mut errors = Errors::default();

    // Split `title` from the options shared with `#[mizan::client]`.
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated
        .parse2(attr)
        .map_err(|error| syn::Error::new(error.span(), format!("{error}; {ACCEPTED}")))?;
    let mut title = None;
    let mut shared = Punctuated::<Meta, Token![,]>::new();
    for meta in metas {
        if meta.path().is_ident("title") {
            match &meta {
                Meta::NameValue(pair) => match client::string(&pair.value) {
                    Some(value) => title = Some(value),
                    None => errors.push(syn::Error::new(pair.value.span(), "`title` expects a string literal")),
                },
                _ => errors.push(syn::Error::new(meta.span(), "`title` expects a value: `title = \"Contact us\"`")),
            }
        } else if meta.path().is_ident("context") {
            errors.push(syn::Error::new(meta.span(), format!("a form is not a context; {ACCEPTED}")));
        } else {
            shared.push(meta);
        }
    }
    let options = client::parse_options(quote!(#shared), ACCEPTED, &mut errors);
    let name = match &options.name {
        Some(name) if client::is_valid_name(&name.value()) => name.value(),
        Some(name) => {
            errors.push(syn::Error::new(
                name.span(),
                "invalid form name: use letters, digits and `_`, starting with a letter",
            ));
            String::new()
        }
        None => {
            errors.push(syn::Error::new(
                Span::call_site(),
                format!("a form needs a name: `#[mizan::form(name = \"contact\")]`; {ACCEPTED}"),
            ));
            String::new()
        }
    };
    // Without `title`, the form's name in words (made at run time, like the labels).
    let title = match title {
        Some(title) => quote!(::core::option::Option::Some(#title)),
        None => quote!(::core::option::Option::None),
    };

    let Fields::Named(fields) = &mut item.fields else {
        errors.push(syn::Error::new(item.ident.span(), "a form is a struct with named fields"));
        errors.finish()?;
        unreachable!("an error was pushed");
    };
    if !item.generics.params.is_empty() {
        errors.push(syn::Error::new(item.generics.span(), "a form cannot be generic"));
    }

    let ident = &item.ident;
    let mut field_metas = Vec::new();
    let mut helpers = Vec::new();
    let mut has_rules = false;
    for field in fields.named.iter_mut() {
        let field_ident = field.ident.clone().expect("named fields have names");
        let mut field_options = FieldOptions::default();
        for attr in field.attrs.iter().filter(|attr| attr.path().is_ident("field")) {
            parse_field(attr, &mut field_options, &mut errors);
        }
        field.attrs.retain(|attr| !attr.path().is_ident("field"));
        if let Some(rules) = crate::rules::rules_attribute(&field.attrs) {
            field.attrs.push(syn::parse_quote!(#rules));
            has_rules = true;
        }
        let rename = serde_value(&field.attrs, "rename");
        let optional = |value: Option<&LitStr>| match value {
            Some(value) => quote!(::core::option::Option::Some(#value)),
            None => quote!(::core::option::Option::None),
        };
        let (label, help, placeholder) = (
            optional(field_options.label.as_ref()),
            optional(field_options.help.as_ref()),
            optional(field_options.placeholder.as_ref()),
        );
        let rename = optional(rename.as_ref());
        let widget = match &field_options.widget {
            Some(variant) => quote!(::core::option::Option::Some(::mizan::forms::Widget::#variant)),
            None => quote!(::core::option::Option::None),
        };
        let initial = match &field_options.initial {
            Some(value) => {
                let helper = format_ident!("__mizan_initial_{}", field_ident);
                helpers.push(quote_spanned! {value.span()=>
                    fn #helper() -> ::mizan::__private::serde_json::Value {
                        ::mizan::__private::serde_json::json!(#value)
                    }
                });
                quote!(::core::option::Option::Some(#helper))
            }
            None => quote!(::core::option::Option::None),
        };
        let choices = match &field_options.choices {
            Some(choices) => {
                let helper = format_ident!("__mizan_choices_{}", field_ident);
                let items = choices.iter().map(|(value, label)| {
                    quote!(::mizan::forms::Choice {
                        value: ::mizan::__private::serde_json::json!(#value),
                        label: ::std::string::String::from(#label),
                    })
                });
                helpers.push(quote! {
                    fn #helper() -> ::std::vec::Vec<::mizan::forms::Choice> {
                        ::std::vec![#(#items),*]
                    }
                });
                quote!(::core::option::Option::Some(#helper))
            }
            None => quote!(::core::option::Option::None),
        };
        let field_name = field_ident.to_string();
        field_metas.push(quote! {
            ::mizan::forms::FieldMeta {
                ident: #field_name,
                rename: #rename,
                label: #label,
                help: #help,
                placeholder: #placeholder,
                widget: #widget,
                initial: #initial,
                choices: #choices,
            }
        });
    }
    if has_rules {
        if let Err(error) = crate::rules::derive_below(&item.attrs, "#[mizan::form]") {
            errors.push(error);
        }
    }
    errors.finish()?;

    let doc = crate::doc::doc_comment(&item.attrs);
    let rename_all = match serde_value(&item.attrs, "rename_all") {
        Some(rule) => quote!(::core::option::Option::Some(#rule)),
        None => quote!(::core::option::Option::None),
    };
    let auth = client::auth_level(options.auth.as_ref());
    let predicate = match &options.auth {
        Some(Auth::Predicate(path)) => quote_spanned! {path.span()=>
            ::core::option::Option::Some(|ctx: ::mizan::Ctx| ::mizan::forms::boxed(async move {
                let allowed: ::mizan::Result<bool> = #path(&ctx).await;
                allowed
            }))
        },
        _ => quote!(::core::option::Option::None),
    };
    let invalidates = options.invalidates.iter().flatten();
    let body_limit = match &options.body_limit {
        Some(limit) => quote_spanned!(limit.span()=> ::core::option::Option::Some(#limit)),
        None => quote!(::core::option::Option::None),
    };
    let line = quote_spanned!(ident.span()=> ::core::line!());

    Ok(quote! {
        #item

        impl ::mizan::forms::FormDeclaration for #ident {
            const FORM: ::mizan::forms::FormMeta = {
                #(#helpers)*
                ::mizan::forms::FormMeta {
                    name: #name,
                    title: #title,
                    doc: #doc,
                    file: ::core::file!(),
                    line: #line,
                    auth: ::mizan::__private::AuthLevel::#auth,
                    invalidates: &[#(#invalidates),*],
                    body_limit: #body_limit,
                    rename_all: #rename_all,
                    fields: &[#(#field_metas),*],
                    predicate: #predicate,
                }
            };
        }

        // So `codegen --check` can report the form when no `forms!` lists it.
        ::mizan::__private::inventory::submit! {
            ::mizan::__private::Declared::new(
                #name,
                ::mizan::__private::DeclaredKind::Form,
                ::core::module_path!(),
                ::core::file!(),
                #line,
            )
        }
    })
}

fn parse_field(attr: &Attribute, options: &mut FieldOptions, errors: &mut Errors) {
    let result = attr.parse_nested_meta(|meta| {
        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
        match key.as_str() {
            "label" | "help" | "placeholder" => {
                let value: LitStr = meta.value()?.parse()?;
                let slot = match key.as_str() {
                    "label" => &mut options.label,
                    "help" => &mut options.help,
                    _ => &mut options.placeholder,
                };
                *slot = Some(value);
            }
            "widget" => {
                let value: LitStr = meta.value()?.parse()?;
                match WIDGETS.iter().find(|(name, _)| *name == value.value()) {
                    Some((_, variant)) => options.widget = Some(syn::Ident::new(variant, value.span())),
                    None => {
                        let names: Vec<&str> = WIDGETS.iter().map(|(name, _)| *name).collect();
                        return Err(syn::Error::new(
                            value.span(),
                            format!("unknown widget `{}`; use one of: {}", value.value(), names.join(", ")),
                        ));
                    }
                }
            }
            "initial" => options.initial = Some(meta.value()?.parse()?),
            "choices" => {
                let value: Expr = meta.value()?.parse()?;
                let Expr::Array(array) = &value else {
                    return Err(syn::Error::new(value.span(), "`choices` expects `[(value, \"label\"), ...]`"));
                };
                let mut choices = Vec::new();
                for element in &array.elems {
                    match element {
                        Expr::Tuple(tuple) if tuple.elems.len() == 2 => {
                            let label = client::string(&tuple.elems[1]).ok_or_else(|| {
                                syn::Error::new(tuple.elems[1].span(), "a choice's label is a string literal")
                            })?;
                            choices.push((tuple.elems[0].clone(), label));
                        }
                        other => {
                            return Err(syn::Error::new(other.span(), "a choice is `(value, \"label\")`"));
                        }
                    }
                }
                options.choices = Some(choices);
            }
            _ => return Err(meta.error(format!("unknown field option `{key}`; {FIELD_ACCEPTED}"))),
        }
        Ok(())
    });
    if let Err(error) = result {
        errors.push(error);
    }
}

/// The string value of `#[serde(<key> = "...")]` among `attrs`.
fn serde_value(attrs: &[Attribute], key: &str) -> Option<LitStr> {
    let mut found = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                if let Ok(value) = meta.value().and_then(|value| value.parse::<LitStr>()) {
                    found = Some(value);
                }
            } else if meta.input.peek(Token![=]) {
                let _: Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _ = meta.parse_nested_meta(|inner| {
                    if inner.input.peek(Token![=]) {
                        let _: Expr = inner.value()?.parse()?;
                    }
                    Ok(())
                });
            }
            Ok(())
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(attr: TokenStream, item: TokenStream) -> String {
        expand(attr, item).unwrap_err().to_string()
    }

    #[test]
    fn expands_metadata_and_rules() {
        let out = expand(
            quote!(name = "contact", title = "Contact us", auth = true),
            quote!(
                /// Write to us.
                #[derive(Deserialize, JsonSchema, Validate)]
                #[serde(rename_all = "camelCase")]
                pub struct ContactForm {
                    #[field(label = "Your name", placeholder = "Ann", widget = "textarea", initial = "x", choices = [("a", "A")])]
                    #[validate(length(min = 1, message = "required"))]
                    #[serde(rename = "fullName")]
                    pub name: String,
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(!out.contains("# [field"), "{out}");
        assert!(out.contains("x-mizan-rules"), "{out}");
        assert!(out.contains("Widget :: Textarea"), "{out}");
        assert!(out.contains("\"fullName\"") && out.contains("\"camelCase\""), "{out}");
        assert!(out.contains("AuthLevel :: Authenticated"), "{out}");
        assert!(out.contains("\"Contact us\"") && out.contains("\"Write to us.\""), "{out}");
    }

    #[test]
    fn misuse_is_explained() {
        assert!(error(
            quote!(),
            quote!(
                struct F {
                    a: String,
                }
            )
        )
        .contains("needs a name"));
        assert!(error(
            quote!(name = "f"),
            quote!(
                struct F(String);
            )
        )
        .contains("named fields"));
        assert!(error(
            quote!(name = "f"),
            quote!(
                struct F {
                    #[field(widget = "slider")]
                    a: String,
                }
            )
        )
        .contains("unknown widget `slider`"));
        assert!(error(
            quote!(name = "f"),
            quote!(
                struct F {
                    #[field(colour = "red")]
                    a: String,
                }
            )
        )
        .contains("unknown field option `colour`"));
        assert!(error(
            quote!(name = "f", context = "global"),
            quote!(
                struct F {
                    a: String,
                }
            )
        )
        .contains("not a context"));
        assert!(error(
            quote!(name = "1f"),
            quote!(
                struct F {
                    a: String,
                }
            )
        )
        .contains("invalid form name"));
        assert!(error(
            quote!(name = "f"),
            quote!(
                enum F {
                    A,
                }
            )
        )
        .contains("goes on a struct"));
        let message = error(
            quote!(name = "f", colour = "red"),
            quote!(
                struct F {
                    a: String,
                }
            ),
        );
        assert!(message.contains("unknown argument `colour`; `#[mizan::form]` accepts"), "{message}");
    }
}
