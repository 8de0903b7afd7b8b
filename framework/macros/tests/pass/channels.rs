//! `mizan::channels!`: a definition per listed channel, with its name, auth level, whether
//! clients may send, and its schemas.

use mizan::channels::{Channel, ChannelDef, NoMessages};
use mizan::AuthLevel;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Serialize, Deserialize, JsonSchema, Validate)]
pub struct Match {
    #[validate(range(min = 1))]
    pub id: u32,
}

#[derive(Serialize, JsonSchema)]
pub struct Score {
    pub home: u32,
    pub away: u32,
}

pub mod live {
    /// Score updates of one match.
    pub struct Scores;
}

#[mizan::channel]
impl Channel for live::Scores {
    const NAME: &'static str = "scores";
    type Params = Match;
    type ServerMessage = Score;
    type ClientMessage = NoMessages;

    fn group(params: &Match) -> String {
        params.id.to_string()
    }
}

#[derive(Deserialize, JsonSchema, Validate)]
pub struct Cheer {
    pub loud: bool,
}

/// Fans cheering, staff only.
pub struct Cheers;

impl Channel for Cheers {
    const NAME: &'static str = "cheers";
    const AUTH: AuthLevel = AuthLevel::Staff;
    type Params = Match;
    type ServerMessage = String;
    type ClientMessage = Cheer;

    fn group(params: &Match) -> String {
        params.id.to_string()
    }
}

fn main() {
    let channels: Vec<ChannelDef> = mizan::channels![live::Scores, Cheers,];
    let names: Vec<&str> = channels.iter().map(ChannelDef::name).collect();
    assert_eq!(names, ["scores", "cheers"]);
    assert_eq!(channels[0].auth(), AuthLevel::Anonymous);
    let client_messages = channels[0].client_message_schema(&mut schemars::SchemaGenerator::default());
    assert_eq!(client_messages.as_bool(), Some(false), "`NoMessages`: nothing to send");
    assert_eq!((channels[1].auth(), channels[1].accepts_messages()), (AuthLevel::Staff, true));
    let mut generator = schemars::SchemaGenerator::default();
    let params = channels[0].params_schema(&mut generator);
    assert_eq!(params.as_value()["$ref"], "#/$defs/Match", "{params:?}");
    assert_eq!(generator.definitions()["Match"]["properties"]["id"]["minimum"], 1, "{params:?}");

    let none: Vec<ChannelDef> = mizan::channels![];
    assert!(none.is_empty());

    let app = mizan::Mizan::new().channels(mizan::channels![live::Scores]).channels(mizan::channels![Cheers]);
    assert_eq!(app.channel_definitions().len(), 2);
    let registry = app.registry().unwrap();
    assert_eq!(registry.channels().count(), 2);
    assert!(registry.unlisted().is_empty(), "{:?}", registry.unlisted());
}
