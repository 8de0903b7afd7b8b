//! `mizan::fns!`: functions by name or by path, with or without a trailing comma, empty,
//! and combined over several `functions(...)` calls.

mod api {
    /// Greets.
    #[mizan::client]
    pub async fn greet(name: String) -> mizan::Result<String> {
        Ok(format!("Hello, {name}!"))
    }

    pub mod admin {
        #[mizan::client(name = "admin.wipe", auth = "superuser")]
        pub async fn wipe() -> mizan::Result<()> {
            Ok(())
        }
    }
}

use api::admin::wipe;

#[mizan::client(context = "global")]
async fn motd() -> mizan::Result<String> {
    Ok("hi".to_owned())
}

fn main() {
    let none: Vec<mizan::FunctionDef> = mizan::fns![];
    assert!(none.is_empty());

    let listed = mizan::fns![api::greet, wipe, motd,];
    let names: Vec<&str> = listed.iter().map(mizan::FunctionDef::name).collect();
    assert_eq!(names, ["greet", "admin.wipe", "motd"], "in the listed order");

    let registry = mizan::Mizan::new()
        .functions(mizan::fns![api::greet])
        .functions(mizan::fns![crate::api::admin::wipe, motd])
        .registry()
        .unwrap();
    assert_eq!(registry.iter().count(), 3);
    assert_eq!(registry.get("admin.wipe").unwrap().auth(), mizan::AuthLevel::Superuser);
    assert!(registry.unlisted().is_empty(), "{:?}", registry.unlisted());

    // A function left out is reported.
    let registry = mizan::Mizan::new().functions(mizan::fns![api::greet, motd]).registry().unwrap();
    let unlisted: Vec<String> = registry.unlisted().iter().map(ToString::to_string).collect();
    assert_eq!(unlisted.len(), 1, "{unlisted:?}");
    assert!(unlisted[0].starts_with("function `admin.wipe`"), "{unlisted:?}");
    assert!(unlisted[0].ends_with("is not in `fns!`"), "{unlisted:?}");
}
