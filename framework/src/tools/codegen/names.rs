//! Function names (`contact.submit`, `server_time`) to TypeScript identifiers.

/// `server_time` → `ServerTime`, `contact.submit` → `ContactSubmit`.
pub(crate) fn pascal_case(name: &str) -> String {
    name.split(['.', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// `server_time` → `serverTime`, `contact.submit` → `contactSubmit`.
pub(crate) fn camel_case(name: &str) -> String {
    let pascal = pascal_case(name);
    let mut chars = pascal.chars();
    chars.next().map(|first| first.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal_case("server_time"), "ServerTime");
        assert_eq!(pascal_case("contact.submit"), "ContactSubmit");
        assert_eq!(camel_case("echo"), "echo");
        assert_eq!(camel_case("auth.change_password"), "authChangePassword");
    }
}
