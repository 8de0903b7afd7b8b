//! The frontend's built files: the server bundle and the client assets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use actix_web::web::Bytes;
use serde::Deserialize;

/// Where the built frontend lives: a directory with `manifest.json` (written by the frontend
/// build) naming the client script, the stylesheet and the server bundle, read at start, or
/// the same files embedded in the binary ([`mizan::frontend!`](crate::frontend)).
///
/// ```json
/// {
///   "client": "client-YZ3KPYAI.js",
///   "css": "client-3Y7QGOFV.css",
///   "server": "server.js",
///   "assets": ["client-3Y7QGOFV.css", "client-3Y7QGOFV.css.map", "client-YZ3KPYAI.js", "client-YZ3KPYAI.js.map"]
/// }
/// ```
///
/// The client files are served under `/static/<name>`: the client script, the stylesheet,
/// every file of `assets` and the source map (`<name>.map`) of each, when present. Of the
/// keys only `client` and `server` are required; every named file must exist except source
/// maps.
///
/// **Caching.** `assets` lists the files whose names are content-hashed (a new build never
/// reuses a name for other content): they, and their source maps, are served with
/// `Cache-Control: public, max-age=31536000, immutable`. Every other file (e.g. the
/// `client.js` of a build that writes no `assets`) is served with `no-cache` and an `ETag`,
/// so browsers check it with `If-None-Match` (answered `304 Not Modified`) before reuse.
///
/// **Compression.** A `<name>.br` (brotli) or `<name>.gz` (gzip) file next to a served file
/// is its precompressed copy: sent, with `Content-Encoding`, to browsers whose
/// `Accept-Encoding` accepts it (brotli when both are, unless the client ranks gzip higher),
/// with `Vary: Accept-Encoding` on every answer for that name. Both are optional. actix's
/// `Compress` middleware leaves such answers alone (it skips responses that already have a
/// `Content-Encoding`).
#[derive(Debug, Clone)]
pub struct Frontend {
    dist: PathBuf,
    embedded: Option<EmbeddedFiles>,
}

/// Files compiled into the binary: (name relative to the build directory, contents).
pub type EmbeddedFiles = &'static [(&'static str, &'static [u8])];

/// `manifest.json` of a frontend build.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) client: String,
    pub(crate) server: String,
    #[serde(default)]
    pub(crate) css: Option<String>,
    /// Every client file of the build, each named by a hash of its content.
    #[serde(default)]
    pub(crate) assets: Vec<String>,
}

/// A client file served under `/static/`.
#[derive(Debug)]
pub(crate) struct StaticFile {
    /// The file as built.
    pub(crate) identity: Bytes,
    /// Its `.br` copy, if the build wrote one.
    pub(crate) brotli: Option<Bytes>,
    /// Its `.gz` copy, if the build wrote one.
    pub(crate) gzip: Option<Bytes>,
    /// Its name is content-hashed: browsers may keep it for good.
    pub(crate) immutable: bool,
    /// Quoted hex digest of `identity`, the `ETag` of the identity encoding (the compressed
    /// copies' tags add `-br` / `-gzip` before the closing quote).
    pub(crate) etag: String,
}

impl StaticFile {
    fn new(identity: Bytes, brotli: Option<Bytes>, gzip: Option<Bytes>, immutable: bool) -> Self {
        use blake2::{digest::consts::U16, Blake2b, Digest};
        let digest = Blake2b::<U16>::digest(&identity);
        let etag = format!("\"{}\"", crate::core::hex(&digest));
        Self { identity, brotli, gzip, immutable, etag }
    }

    /// True when some compressed copy exists (the answer depends on `Accept-Encoding`).
    pub(crate) fn has_variants(&self) -> bool {
        self.brotli.is_some() || self.gzip.is_some()
    }
}

/// Why the frontend could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FrontendError {
    /// The build output is missing or unreadable.
    #[error("cannot read the frontend build at `{path}`: {source}; build the frontend first (`make frontend`)")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `manifest.json` is not valid.
    #[error("invalid frontend manifest `{path}`: {source}")]
    Manifest {
        /// The file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
}

/// Modification time and size of the files that identify a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    manifest: (Option<std::time::SystemTime>, u64),
    server: Option<(Option<std::time::SystemTime>, u64)>,
}

/// A loaded frontend build: the server bundle and the client files served under `/static/`.
#[derive(Debug)]
pub(crate) struct LoadedFrontend {
    pub(crate) manifest: Manifest,
    pub(crate) server_bundle: mizan_ssr::Bundle,
    pub(crate) files: BTreeMap<String, StaticFile>,
}

impl Frontend {
    /// A frontend built into `dist` (e.g. `concat!(env!("CARGO_MANIFEST_DIR"), "/frontend/dist")`).
    pub fn from_dist(dist: impl Into<PathBuf>) -> Self {
        Self { dist: dist.into(), embedded: None }
    }

    /// A frontend compiled into the binary; `dist` is where it was built (for messages).
    /// [`mizan::frontend!`](crate::frontend) writes this call in release builds.
    pub fn embedded(dist: impl Into<PathBuf>, files: EmbeddedFiles) -> Self {
        Self { dist: dist.into(), embedded: Some(files) }
    }

    /// True when the files are in the binary (nothing is read from disk, nothing reloads).
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// Adds the client file `name` and its compressed copies (optional) to `files`; a missing
    /// `name` is an error if `required`.
    fn load_file(
        &self,
        manifest: &Manifest,
        files: &mut BTreeMap<String, StaticFile>,
        name: &str,
        required: bool,
    ) -> Result<(), FrontendError> {
        if files.contains_key(name) {
            return Ok(());
        }
        let identity = match required {
            true => self.read(name)?,
            false => match self.read_optional(name)? {
                Some(bytes) => bytes,
                None => return Ok(()),
            },
        };
        let brotli = self.read_optional(&format!("{name}.br"))?;
        let gzip = self.read_optional(&format!("{name}.gz"))?;
        files.insert(name.to_owned(), StaticFile::new(identity, brotli, gzip, manifest.is_hashed(name)));
        Ok(())
    }

    /// The contents of the build file `name`, or `None` when it does not exist (any other
    /// error is one).
    fn read_optional(&self, name: &str) -> Result<Option<Bytes>, FrontendError> {
        match self.read(name) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(FrontendError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// The contents of the build file `name`.
    fn read(&self, name: &str) -> Result<Bytes, FrontendError> {
        let path = self.dist.join(name);
        match self.embedded {
            Some(files) => {
                files.iter().find(|(file, _)| *file == name).map(|(_, bytes)| Bytes::from_static(bytes)).ok_or_else(
                    || FrontendError::Read {
                        path,
                        source: std::io::Error::new(std::io::ErrorKind::NotFound, "not embedded in the binary"),
                    },
                )
            }
            None => std::fs::read(&path).map(Bytes::from).map_err(|source| FrontendError::Read { path, source }),
        }
    }

    /// The build directory.
    pub fn dist(&self) -> &Path {
        &self.dist
    }

    /// When and how big the manifest and the server bundle are: a different stamp means the
    /// frontend was rebuilt. `None` while either is missing.
    pub(crate) fn stamp(&self) -> Option<Stamp> {
        if self.is_embedded() {
            return None;
        }
        let of = |path: &Path| std::fs::metadata(path).ok().map(|meta| (meta.modified().ok(), meta.len()));
        let manifest_path = self.dist.join("manifest.json");
        let manifest = of(&manifest_path)?;
        let server = std::fs::read(&manifest_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .and_then(|manifest| of(&self.dist.join(manifest.server)));
        Some(Stamp { manifest, server })
    }

    pub(crate) fn load(&self, limits: mizan_ssr::Limits) -> Result<LoadedFrontend, FrontendError> {
        let manifest_path = self.dist.join("manifest.json");
        let manifest: Manifest = serde_json::from_slice(&self.read("manifest.json")?)
            .map_err(|source| FrontendError::Manifest { path: manifest_path, source })?;
        let server_source = String::from_utf8_lossy(&self.read(&manifest.server)?).into_owned();
        let mut files = BTreeMap::new();
        let named = std::iter::once(&manifest.client).chain(manifest.css.as_ref()).chain(&manifest.assets);
        for name in named.collect::<BTreeSet<_>>() {
            // Every named file must exist, except source maps, named or not.
            let required = !name.ends_with(".map");
            self.load_file(&manifest, &mut files, name, required)?;
            if required {
                self.load_file(&manifest, &mut files, &format!("{name}.map"), false)?;
            }
        }
        let server_bundle = mizan_ssr::Bundle::new(manifest.server.clone(), server_source).with_limits(limits);
        Ok(LoadedFrontend { manifest, server_bundle, files })
    }
}

impl Manifest {
    /// True when `name` is content-hashed: listed in `assets`, or the source map of a file
    /// that is.
    pub(crate) fn is_hashed(&self, name: &str) -> bool {
        let listed = |name: &str| self.assets.iter().any(|asset| asset == name);
        listed(name) || name.strip_suffix(".map").is_some_and(listed)
    }
}

/// The `Content-Type` for a static file name.
pub(crate) fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("map" | "json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("wasm") => "application/wasm",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
