//! `#[mizan::channel]` on a `Channel` impl: the impl is unchanged, and the channel is
//! recorded for `codegen --check`, which sees it listed once `channels!` registers it.

use mizan::channels::{Channel, NoMessages};
use mizan::registry::{Declared, DeclaredKind};
use mizan::{AuthLevel, Ctx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[mizan::rules]
#[derive(Serialize, Deserialize, JsonSchema, Validate)]
pub struct Room {
    #[validate(length(min = 1, max = 40, message = "a room name has 1 to 40 characters"))]
    pub name: String,
}

#[mizan::rules]
#[derive(Deserialize, JsonSchema, Validate)]
pub struct Say {
    #[validate(length(min = 1, max = 500))]
    pub text: String,
}

/// Chat rooms.
pub struct Chat;

#[mizan::channel]
impl Channel for Chat {
    const NAME: &'static str = "chat";
    const AUTH: AuthLevel = AuthLevel::Authenticated;
    type Params = Room;
    type ServerMessage = String;
    type ClientMessage = Say;

    fn group(params: &Room) -> String {
        params.name.clone()
    }

    async fn on_receive(ctx: &Ctx, params: &Room, message: Say) -> mizan::Result<()> {
        ctx.broadcast::<Chat>(params, &message.text).await
    }
}

/// Announcements: nobody talks back.
pub struct News;

#[mizan::channel]
impl mizan::channels::Channel for News {
    const NAME: &'static str = "news";
    type Params = Room;
    type ServerMessage = String;
    type ClientMessage = NoMessages;

    fn group(_: &Room) -> String {
        String::new()
    }
}

fn main() {
    let declared: Vec<&str> = Declared::all()
        .filter(|declared| declared.kind == DeclaredKind::Channel)
        .map(|declared| declared.name)
        .collect();
    assert!(declared.contains(&"chat") && declared.contains(&"news"), "{declared:?}");
    let chat = Declared::all().find(|declared| declared.name == "chat").unwrap();
    assert!(chat.file.ends_with("channel.rs") && chat.line == 29, "{chat:?}");

    // Unlisted channels are reported; listed ones are not.
    let registry = mizan::Mizan::new().channels(mizan::channels![Chat]).registry().unwrap();
    let unlisted: Vec<&str> = registry.unlisted().iter().map(|declared| declared.name).collect();
    assert_eq!(unlisted, ["news"]);
    let registry = mizan::Mizan::new().channels(mizan::channels![Chat, News]).registry().unwrap();
    assert!(registry.unlisted().is_empty());
}
