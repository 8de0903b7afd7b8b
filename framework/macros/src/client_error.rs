//! `#[derive(mizan::ClientError)]`: a function's own error enum, sent to the client as a typed
//! error. Each variant becomes a code (`OutOfStock` → `OUT_OF_STOCK`) with an HTTP status
//! (`#[client_error(status = 409)]`; default: the protocol code's status when the code is one,
//! else 400), a message (`#[client_error(message = "...")]`, else the variant's doc comment,
//! else the code in words) and the variant's fields, serialised, as `data`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, ExprLit, Fields, Lit};

/// Protocol codes whose status a same-named variant inherits.
const PROTOCOL_STATUSES: &[(&str, u16)] = &[
    ("BAD_REQUEST", 400),
    ("VALIDATION", 400),
    ("UNAUTHENTICATED", 401),
    ("FORBIDDEN", 403),
    ("NOT_FOUND", 404),
    ("RATE_LIMITED", 429),
    ("UNAVAILABLE", 503),
];

pub(crate) fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "`ClientError` is derived for enums: one variant per error case",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(input.generics.span(), "`ClientError` cannot be derived for generic enums"));
    }
    let ident = &input.ident;
    let mut arms = Vec::new();
    let mut codes = Vec::new();
    let mut schemas = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for variant in &data.variants {
        let code = screaming_snake(&variant.ident.to_string());
        let mut status = PROTOCOL_STATUSES.iter().find(|(name, _)| *name == code).map_or(400, |(_, status)| *status);
        let mut message = None;
        for attr in variant.attrs.iter().filter(|attr| attr.path().is_ident("client_error")) {
            let result = attr.parse_nested_meta(|meta| {
                if !meta.path.is_ident("status") && !meta.path.is_ident("message") {
                    let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                    return Err(meta.error(format!(
                        "unknown option `{key}`; `#[client_error]` accepts `status = <u16>` and `message = \"...\"`"
                    )));
                }
                let value: Expr = meta.value()?.parse()?;
                if meta.path.is_ident("status") {
                    match &value {
                        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => {
                            let parsed: u16 = int.base10_parse()?;
                            if !(400..=599).contains(&parsed) {
                                return Err(syn::Error::new(int.span(), "an error status must be between 400 and 599"));
                            }
                            status = parsed;
                        }
                        other => {
                            return Err(syn::Error::new(other.span(), "`status` expects an HTTP status, e.g. 409"))
                        }
                    }
                } else {
                    match &value {
                        Expr::Lit(ExprLit { lit: Lit::Str(text), .. }) => message = Some(text.value()),
                        other => return Err(syn::Error::new(other.span(), "`message` expects a string literal")),
                    }
                }
                Ok(())
            });
            if let Err(error) = result {
                match &mut errors {
                    Some(existing) => existing.combine(error),
                    None => errors = Some(error),
                }
            }
        }
        let doc = crate::doc::doc_comment(&variant.attrs).replace('\n', " ");
        let doc = doc.trim_end_matches('.');
        let message = message
            .or_else(|| (!doc.is_empty()).then(|| doc.to_owned()))
            .unwrap_or_else(|| code.to_lowercase().replace('_', " "));
        let variant_ident = &variant.ident;
        let pattern = match &variant.fields {
            Fields::Unit => quote!(#ident::#variant_ident),
            Fields::Unnamed(_) => quote!(#ident::#variant_ident(..)),
            Fields::Named(_) => quote!(#ident::#variant_ident { .. }),
        };
        arms.push(quote!(#pattern => (#code, #status, #message)));
        // The `data` the client receives: what `variant_data` makes of the variant.
        let data = match &variant.fields {
            Fields::Unit => None,
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                let ty = &fields.unnamed[0].ty;
                Some(quote!(generator.subschema_for::<#ty>()))
            }
            Fields::Unnamed(fields) => {
                let items = fields.unnamed.iter().map(|field| {
                    let ty = &field.ty;
                    quote!(generator.subschema_for::<#ty>())
                });
                let count = fields.unnamed.len();
                Some(quote!(::mizan::__private::schemars::json_schema!({
                    "type": "array", "prefixItems": [#(#items),*], "minItems": #count, "maxItems": #count
                })))
            }
            Fields::Named(fields) => {
                let names: Vec<String> =
                    fields.named.iter().filter_map(|field| field.ident.as_ref()).map(ToString::to_string).collect();
                let types = fields.named.iter().map(|field| &field.ty);
                Some(quote!(::mizan::__private::schemars::json_schema!({
                    "type": "object",
                    "properties": { #(#names: generator.subschema_for::<#types>()),* },
                    "required": [#(#names),*]
                })))
            }
        };
        schemas.push(match data {
            Some(data) => quote!(::mizan::__private::schemars::json_schema!({
                "type": "object",
                "properties": { "code": { "const": #code }, "data": #data },
                "required": ["code", "data"]
            })),
            None => quote!(::mizan::__private::schemars::json_schema!({
                "type": "object",
                "properties": { "code": { "const": #code } },
                "required": ["code"]
            })),
        });
        codes.push(code);
    }
    if let Some(error) = errors {
        return Err(error);
    }
    Ok(quote! {
        impl ::mizan::ClientError for #ident {
            const CODES: &'static [&'static str] = &[#(#codes),*];

            fn error_schema(
                generator: &mut ::mizan::__private::schemars::SchemaGenerator,
            ) -> ::mizan::__private::schemars::Schema {
                let _ = &generator;
                ::mizan::__private::schemars::json_schema!({ "oneOf": [#(#schemas),*] })
            }
        }

        impl ::core::convert::From<#ident> for ::mizan::Error {
            fn from(error: #ident) -> Self {
                let (code, status, message): (&'static str, u16, &'static str) = match &error { #(#arms,)* };
                ::mizan::Error::typed(code, status, message, ::mizan::__private::variant_data(&error))
            }
        }
    })
}

/// `OutOfStock` → `OUT_OF_STOCK`.
fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        if c.is_uppercase() && i > 0 && (chars[i - 1].is_lowercase() || next_is_lower) {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_screaming_snake_case() {
        assert_eq!(screaming_snake("OutOfStock"), "OUT_OF_STOCK");
        assert_eq!(screaming_snake("NotFound"), "NOT_FOUND");
        assert_eq!(screaming_snake("HTTPError"), "HTTP_ERROR");
    }

    #[test]
    fn statuses_messages_and_data() {
        let out = expand(quote! {
            enum E {
                /// Sold out.
                #[client_error(status = 409)]
                OutOfStock { left: u32 },
                NotFound,
                #[client_error(message = "try later")]
                Busy(u8),
            }
        })
        .unwrap()
        .to_string();
        assert!(out.contains("E :: OutOfStock { .. } => (\"OUT_OF_STOCK\" , 409u16 , \"Sold out\")"), "{out}");
        assert!(out.contains("E :: NotFound => (\"NOT_FOUND\" , 404u16 , \"not found\")"), "{out}");
        assert!(out.contains("E :: Busy (..) => (\"BUSY\" , 400u16 , \"try later\")"), "{out}");
    }

    #[test]
    fn misuse_is_refused() {
        assert!(expand(quote!(
            struct S;
        ))
        .is_err());
        let error = expand(quote!(
            enum E {
                #[client_error(status = 200)]
                A,
            }
        ))
        .unwrap_err()
        .to_string();
        assert!(error.contains("between 400 and 599"), "{error}");
        let error = expand(quote!(
            enum E {
                #[client_error(colour = "red")]
                A,
            }
        ))
        .unwrap_err()
        .to_string();
        assert!(error.contains("unknown option `colour`; `#[client_error]` accepts"), "{error}");
    }
}
