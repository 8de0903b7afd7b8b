use serde::Deserialize;

/// What one render produced.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RenderOutput {
    /// The rendered markup of the app's root.
    pub html: String,
    /// The HTTP status the app chose (e.g. 404 for its not-found page).
    #[serde(default = "default_status")]
    pub status: u16,
    /// Extra tags for `<head>` (title, meta), as HTML.
    #[serde(default)]
    pub head: String,
    /// Local contexts the app asked for but the render request did not carry, as
    /// `name?{canonical JSON arguments}`: the server resolves them and renders again.
    #[serde(default)]
    pub missing: Vec<String>,
}

fn default_status() -> u16 {
    200
}
