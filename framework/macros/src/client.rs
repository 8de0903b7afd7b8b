//! `#[mizan::client]`: parse the arguments and the function into a model, validate it
//! (collecting every error with its span), then emit the function unchanged plus a type of
//! the same name implementing `mizan::ServerFunction`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, FnArg, Ident, ItemFn, Lit, LitStr, Meta, Pat, Token, Type};

/// How the function is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Call,
    GlobalContext,
    LocalContext,
}

/// The macro's arguments.
#[derive(Debug, Default)]
struct Options {
    name: Option<LitStr>,
    kind: Option<(Kind, Span)>,
}

/// One parameter of the function.
#[derive(Debug)]
enum Param {
    /// `ctx: &Ctx` (by reference) or `ctx: Ctx` (by value).
    Ctx { by_ref: bool },
    /// A named argument decoded from the JSON object.
    Argument { name: Ident, ty: Box<Type> },
}

/// Collects errors so that one compile shows all of them.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let function: ItemFn = syn::parse2(item)?;
    let mut errors = Errors::default();
    let options = parse_options(attr, &mut errors);
    let params = parse_params(&function, &mut errors);
    validate(&function, &options, &params, &mut errors);
    errors.finish()?;
    Ok(emit(&function, &options, &params))
}

fn parse_options(attr: TokenStream, errors: &mut Errors) -> Options {
    let mut options = Options::default();
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(error);
            return options;
        }
    };
    for meta in metas {
        let Some(key) = meta.path().get_ident().map(Ident::to_string) else {
            errors.push(syn::Error::new(
                meta.path().span(),
                "expected `name = \"...\"` or `context = \"global\" | \"local\"`",
            ));
            continue;
        };
        let value = match &meta {
            Meta::NameValue(pair) => match &pair.value {
                Expr::Lit(ExprLit { lit: Lit::Str(value), .. }) => Some(value.clone()),
                other => {
                    errors.push(syn::Error::new(other.span(), format!("`{key}` expects a string literal")));
                    continue;
                }
            },
            _ => None,
        };
        match (key.as_str(), value) {
            ("name", Some(value)) => {
                if options.name.is_some() {
                    errors.push(syn::Error::new(meta.span(), "duplicate argument `name`"));
                }
                options.name = Some(value);
            }
            ("context", Some(value)) => {
                if options.kind.is_some() {
                    errors.push(syn::Error::new(meta.span(), "duplicate argument `context`"));
                }
                match value.value().as_str() {
                    "global" => options.kind = Some((Kind::GlobalContext, value.span())),
                    "local" => options.kind = Some((Kind::LocalContext, value.span())),
                    _ => errors.push(syn::Error::new(value.span(), "`context` must be \"global\" or \"local\"")),
                }
            }
            ("name" | "context", None) => {
                errors.push(syn::Error::new(meta.span(), format!("`{key}` expects a value: `{key} = \"...\"`")))
            }
            _ => errors.push(syn::Error::new(
                meta.path().span(),
                format!("unknown argument `{key}`; `#[mizan::client]` accepts `name = \"...\"` and `context = \"global\" | \"local\"`"),
            )),
        }
    }
    options
}

fn parse_params(function: &ItemFn, errors: &mut Errors) -> Vec<Param> {
    let mut params = Vec::new();
    for input in &function.sig.inputs {
        let typed = match input {
            FnArg::Receiver(receiver) => {
                errors.push(syn::Error::new(receiver.span(), "server functions are free functions; remove `self`"));
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        if let Some(by_ref) = ctx_param(&typed.ty) {
            params.push(Param::Ctx { by_ref });
            continue;
        }
        let Pat::Ident(pattern) = &*typed.pat else {
            errors.push(syn::Error::new(
                typed.pat.span(),
                "use a plain name for server function arguments (it becomes the JSON field name)",
            ));
            continue;
        };
        match &*typed.ty {
            Type::Reference(reference) => errors.push(syn::Error::new(
                reference.span(),
                "arguments are decoded from JSON and must be owned: use `String` instead of `&str`, `Vec<T>` instead of `&[T]`",
            )),
            Type::ImplTrait(implementation) => errors.push(syn::Error::new(
                implementation.span(),
                "`impl Trait` arguments are not supported; use a concrete type that implements `Deserialize` and `JsonSchema`",
            )),
            _ => params.push(Param::Argument { name: pattern.ident.clone(), ty: typed.ty.clone() }),
        }
    }
    params
}

/// `Some(by_ref)` when `ty` is `Ctx`, `&Ctx` or a path ending in `Ctx`.
fn ctx_param(ty: &Type) -> Option<bool> {
    let (ty, by_ref) = match ty {
        Type::Reference(reference) => (&*reference.elem, true),
        other => (other, false),
    };
    match ty {
        Type::Path(path) if path.qself.is_none() && path.path.segments.last().is_some_and(|s| s.ident == "Ctx") => {
            Some(by_ref)
        }
        _ => None,
    }
}

fn validate(function: &ItemFn, options: &Options, params: &[Param], errors: &mut Errors) {
    let signature = &function.sig;
    if signature.asyncness.is_none() {
        errors.push(syn::Error::new(signature.fn_token.span(), "server functions must be `async fn`"));
    }
    if !signature.generics.params.is_empty() {
        errors.push(syn::Error::new(signature.generics.span(), "server functions cannot be generic"));
    }
    if let syn::ReturnType::Default = signature.output {
        errors.push(syn::Error::new(signature.ident.span(), "server functions must return `mizan::Result<T>`"));
    }
    if params.iter().filter(|param| matches!(param, Param::Ctx { .. })).count() > 1 {
        errors.push(syn::Error::new(signature.inputs.span(), "take the context at most once"));
    }
    if let Some((Kind::GlobalContext, span)) = options.kind {
        if params.iter().any(|param| matches!(param, Param::Argument { .. })) {
            errors.push(syn::Error::new(
                span,
                "a global context takes no arguments (only `&Ctx`); use `context = \"local\"` for a context with arguments",
            ));
        }
    }
    if let Some(name) = &options.name {
        let value = name.value();
        let valid = value.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if !valid {
            errors.push(syn::Error::new(
                name.span(),
                "invalid name: use letters, digits and `_`, optionally in dotted parts (`contact.submit`)",
            ));
        }
    }
}

fn emit(function: &ItemFn, options: &Options, params: &[Param]) -> TokenStream {
    let ident = &function.sig.ident;
    let vis = &function.vis;
    let name = options.name.as_ref().map_or_else(|| ident.to_string(), LitStr::value);
    let kind = match options.kind.map(|(kind, _)| kind).unwrap_or(Kind::Call) {
        Kind::Call => quote!(Call),
        Kind::GlobalContext => quote!(GlobalContext),
        Kind::LocalContext => quote!(LocalContext),
    };
    let doc = doc_comment(function);
    let fields = params.iter().filter_map(|param| match param {
        Param::Argument { name, ty } => Some(quote!(#name: #ty)),
        Param::Ctx { .. } => None,
    });
    let ctx = format_ident!("__mizan_ctx");
    let arguments = format_ident!("__mizan_arguments");
    let call_arguments = params.iter().map(|param| match param {
        Param::Ctx { by_ref: true } => quote!(&#ctx),
        Param::Ctx { by_ref: false } => quote!(::core::clone::Clone::clone(&#ctx)),
        Param::Argument { name, .. } => quote!(#arguments.#name),
    });
    let line = quote_spanned!(ident.span()=> ::core::line!());
    quote! {
        #function

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #ident {}

        impl ::mizan::ServerFunction for #ident {
            fn definition() -> ::mizan::__private::FunctionDef {
                #[derive(::mizan::__private::serde::Deserialize, ::mizan::__private::schemars::JsonSchema)]
                #[serde(crate = "::mizan::__private::serde")]
                #[schemars(crate = "::mizan::__private::schemars")]
                struct Arguments { #(#fields,)* }

                ::mizan::__private::FunctionDef::new::<Arguments, _, _, _>(
                    ::mizan::__private::FunctionMeta {
                        name: #name,
                        kind: ::mizan::__private::FunctionKind::#kind,
                        file: ::core::file!(),
                        line: #line,
                        doc: #doc,
                    },
                    |#ctx: ::mizan::Ctx, #arguments: Arguments| async move {
                        let _ = &#ctx;
                        #ident(#(#call_arguments),*).await
                    },
                )
            }
        }
    }
}

/// The `///` comment of the function, one leading space per line removed.
fn doc_comment(function: &ItemFn) -> String {
    let lines: Vec<String> = function
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(pair) => match &pair.value {
                Expr::Lit(ExprLit { lit: Lit::Str(line), .. }) => Some(line.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').map(str::to_owned).unwrap_or(line))
        .collect();
    lines.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(attr: TokenStream, item: TokenStream) -> String {
        expand(attr, item).unwrap_err().into_compile_error().to_string()
    }

    #[test]
    fn expands_a_plain_function() {
        let out = expand(
            quote!(),
            quote!(
                /// Says hi.
                pub async fn echo(ctx: &Ctx, text: String) -> mizan::Result<Out> {
                    todo!()
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(out.contains("pub struct echo { }"), "{out}");
        assert!(out.contains("name : \"echo\""), "{out}");
        assert!(out.contains("text : String"), "{out}");
        assert!(out.contains("doc : \"Says hi.\""), "{out}");
        assert!(out.contains("echo (& __mizan_ctx , __mizan_arguments . text)"), "{out}");
    }

    #[test]
    fn options_set_name_and_kind() {
        let out = expand(
            quote!(name = "contact.submit", context = "local"),
            quote!(
                async fn submit(x: u32) -> R {
                    todo!()
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(out.contains("name : \"contact.submit\""), "{out}");
        assert!(out.contains("FunctionKind :: LocalContext"), "{out}");
    }

    #[test]
    fn misuse_is_reported_with_every_error() {
        let message = error(
            quote!(colour = "red"),
            quote!(
                fn f(x: &str) {}
            ),
        );
        assert!(message.contains("unknown argument `colour`"), "{message}");
        assert!(message.contains("must be `async fn`"), "{message}");
        assert!(message.contains("must be owned"), "{message}");
        assert!(message.contains("must return"), "{message}");
    }

    #[test]
    fn duplicate_and_invalid_options_are_refused() {
        let message = error(
            quote!(name = "a", name = "b"),
            quote!(
                async fn f() -> R {
                    todo!()
                }
            ),
        );
        assert!(message.contains("duplicate argument `name`"), "{message}");
        let message = error(
            quote!(context = "galaxy"),
            quote!(
                async fn f() -> R {
                    todo!()
                }
            ),
        );
        assert!(message.contains("\\\"global\\\" or \\\"local\\\""), "{message}");
        let message = error(
            quote!(name = "no/slash"),
            quote!(
                async fn f() -> R {
                    todo!()
                }
            ),
        );
        assert!(message.contains("invalid name"), "{message}");
        let message = error(
            quote!(context = "global"),
            quote!(
                async fn f(x: u8) -> R {
                    todo!()
                }
            ),
        );
        assert!(message.contains("takes no arguments"), "{message}");
    }
}
