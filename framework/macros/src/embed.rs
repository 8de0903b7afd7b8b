//! `mizan::frontend!("frontend/dist")`: the frontend build read from disk in debug builds and
//! embedded in the binary (every file, with `include_bytes!`) in release builds.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

pub(crate) fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let relative: LitStr = syn::parse2(input).map_err(|error| {
        syn::Error::new(
            error.span(),
            "`mizan::frontend!` takes the build directory: `mizan::frontend!(\"frontend/dist\")`",
        )
    })?;
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    let dist = root.join(relative.value());
    let dist_text = dist.to_string_lossy().into_owned();
    // Files are listed when the crate compiles; `manifest.json` changes with every build, and
    // `include_bytes!` makes cargo recompile when it does, which lists them again.
    let mut files = Vec::new();
    if let Err(error) = list(&dist, &dist, &mut files) {
        let message = format!(
            "cannot read the frontend build `{dist_text}` ({error}); build the frontend before a release build (`make frontend`)"
        );
        return Ok(quote! {{
            #[cfg(debug_assertions)]
            { ::mizan::Frontend::from_dist(#dist_text) }
            #[cfg(not(debug_assertions))]
            { ::core::compile_error!(#message) }
        }});
    }
    files.sort();
    let entries = files.iter().map(|(name, path)| {
        let path = path.to_string_lossy().into_owned();
        quote!((#name, ::core::include_bytes!(#path) as &'static [u8]))
    });
    Ok(quote! {{
        #[cfg(debug_assertions)]
        { ::mizan::Frontend::from_dist(#dist_text) }
        #[cfg(not(debug_assertions))]
        { ::mizan::Frontend::embedded(#dist_text, &[#(#entries),*]) }
    }})
}

/// `embed_dir!("dir", ["skipped", "names"])`: every file under `dir` (relative to the crate)
/// whose path has none of the skipped names as a component (or as a prefix of its
/// `/`-separated name), as `&[(name, bytes)]`.
pub(crate) fn expand_dir(input: TokenStream) -> syn::Result<TokenStream> {
    use syn::parse::Parser;
    let parser = |stream: syn::parse::ParseStream<'_>| -> syn::Result<(LitStr, Vec<LitStr>)> {
        let dir: LitStr = stream.parse()?;
        let mut skip = Vec::new();
        if stream.parse::<Option<syn::Token![,]>>()?.is_some() && !stream.is_empty() {
            let content;
            syn::bracketed!(content in stream);
            skip = content.parse_terminated(|item| item.parse::<LitStr>(), syn::Token![,])?.into_iter().collect();
        }
        Ok((dir, skip))
    };
    let (relative, skip) = parser.parse2(input)?;
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    let dir = root.join(relative.value());
    let skip: Vec<String> = skip.iter().map(LitStr::value).collect();
    let mut files = Vec::new();
    list_filtered(&dir, &dir, &skip, &mut files)
        .map_err(|error| syn::Error::new(relative.span(), format!("cannot read `{}`: {error}", dir.display())))?;
    files.sort();
    let entries = files.iter().map(|(name, path)| {
        let path = path.to_string_lossy().into_owned();
        quote!((#name, ::core::include_bytes!(#path) as &'static [u8]))
    });
    Ok(quote!(&[#(#entries),*] as &'static [(&'static str, &'static [u8])]))
}

/// Every file under `dir`, as (`/`-separated name relative to `root`, absolute path).
fn list(root: &Path, dir: &Path, into: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    list_filtered(root, dir, &[], into)
}

/// [`list`] without the entries called one of `skip` or whose relative name is one of `skip`.
fn list_filtered(root: &Path, dir: &Path, skip: &[String], into: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let relative = relative_name(root, &path);
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if skip.iter().any(|skipped| *skipped == file_name || *skipped == relative) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            list_filtered(root, &path, skip, into)?;
        } else {
            into.push((relative, path));
        }
    }
    Ok(())
}

/// `path` relative to `root`, `/`-separated.
fn relative_name(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_builds_include_every_file_and_debug_builds_read_the_directory() {
        let dist = std::env::temp_dir().join(format!("mizan-embed-test-{}", std::process::id()));
        std::fs::create_dir_all(dist.join("assets")).unwrap();
        std::fs::write(dist.join("manifest.json"), "{}").unwrap();
        std::fs::write(dist.join("assets/app.css"), "").unwrap();
        let path = dist.to_string_lossy().into_owned();
        let out = expand(quote!(#path)).unwrap().to_string();
        assert!(out.contains("Frontend :: from_dist"), "{out}");
        assert!(out.contains("Frontend :: embedded"), "{out}");
        assert!(out.contains("\"assets/app.css\"") && out.contains("\"manifest.json\""), "{out}");
        assert_eq!(out.matches("include_bytes").count(), 2, "{out}");
        std::fs::remove_dir_all(&dist).unwrap();

        // Not built: debug builds still compile (and report it at start); release builds fail.
        let out = expand(quote!(#path)).unwrap().to_string();
        assert!(out.contains("from_dist") && out.contains("compile_error") && out.contains("make frontend"), "{out}");
    }

    #[test]
    fn directories_embed_every_file_but_the_skipped_ones() {
        let dir = std::env::temp_dir().join(format!("mizan-embed-dir-test-{}", std::process::id()));
        for file in
            ["Cargo.toml", "src/lib.rs", "target/debug/x", "web/dist/a.js", "web/src/dist.ts", "web/node_modules/m"]
        {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let path = dir.to_string_lossy().into_owned();
        let out = expand_dir(quote!(#path, ["target", "node_modules", "web/dist"])).unwrap().to_string();
        for kept in ["\"Cargo.toml\"", "\"src/lib.rs\"", "\"web/src/dist.ts\""] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
        assert_eq!(out.matches("include_bytes").count(), 3, "{out}");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(expand_dir(quote!(#path)).is_err(), "a missing directory is a compile error");
    }
}
