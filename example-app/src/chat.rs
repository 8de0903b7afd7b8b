//! The `chat` channel: rooms that logged-in users join; what they say is stored in the
//! database and broadcast to the room (across processes with `REDIS_URL`).

use chrono::{DateTime, Utc};
use mizan::channels::Channel;
use mizan::{AuthLevel, Ctx, Error};
use schemars::JsonSchema;
use sea_orm::entity::prelude::*;
use sea_orm::{QueryOrder, QuerySelect, Set};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{pk_auto, string_len, text, timestamp_with_time_zone};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// Chat rooms.
pub struct Chat;

/// Which room to join.
#[mizan::rules]
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, Validate)]
pub struct ChatParams {
    /// The room's name.
    #[validate(length(min = 1, max = 40, message = "a room name has 1 to 40 characters"))]
    pub room: String,
}

/// What a member says.
#[mizan::rules]
#[derive(Debug, Deserialize, JsonSchema, Validate)]
pub struct ChatSend {
    /// The text.
    #[validate(length(min = 1, max = 500, message = "say 1 to 500 characters"))]
    pub text: String,
}

/// A message in a room.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ChatMessage {
    /// Who said it.
    pub user: String,
    /// What they said.
    pub text: String,
    /// When (ISO 8601, UTC).
    pub at: DateTime<Utc>,
}

#[mizan::channel]
impl Channel for Chat {
    const NAME: &'static str = "chat";
    const AUTH: AuthLevel = AuthLevel::Authenticated;
    type Params = ChatParams;
    type ServerMessage = ChatMessage;
    type ClientMessage = ChatSend;

    fn group(params: &ChatParams) -> String {
        params.room.clone()
    }

    async fn on_receive(ctx: &Ctx, params: &ChatParams, message: ChatSend) -> mizan::Result<()> {
        let user = ctx.user().await?.ok_or_else(Error::unauthenticated)?.username.clone();
        let row = messages::ActiveModel {
            room: Set(params.room.clone()),
            username: Set(user.clone()),
            text: Set(message.text.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        let stored = row.insert(ctx.db()?).await?;
        let message = ChatMessage { user, text: stored.text, at: stored.created_at };
        ctx.broadcast::<Chat>(params, &message).await
    }
}

/// The latest messages of a room (oldest first): a local context, so the chat page is
/// server-rendered with them.
#[mizan::client(context = "local", auth = true)]
pub async fn chat_history(
    ctx: &Ctx,
    #[validate(length(min = 1, max = 40, message = "a room name has 1 to 40 characters"))] room: String,
) -> mizan::Result<Vec<ChatMessage>> {
    let mut rows = messages::Entity::find()
        .filter(messages::Column::Room.eq(room))
        .order_by_desc(messages::Column::Id)
        .limit(50)
        .all(ctx.db()?)
        .await?;
    rows.reverse();
    Ok(rows.into_iter().map(|row| ChatMessage { user: row.username, text: row.text, at: row.created_at }).collect())
}

/// Stored chat messages.
pub mod messages {
    use sea_orm::entity::prelude::*;

    /// One message.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "example_chat_messages")]
    pub struct Model {
        /// Its number.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// The room.
        pub room: String,
        /// Who said it.
        pub username: String,
        /// The text.
        #[sea_orm(column_type = "Text")]
        pub text: String,
        /// When.
        pub created_at: ChronoDateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(DeriveIden)]
enum ExampleChatMessages {
    Table,
    Id,
    Room,
    Username,
    Text,
    CreatedAt,
}

/// Creates `example_chat_messages`.
pub(crate) struct CreateChatMessages;

impl MigrationName for CreateChatMessages {
    fn name(&self) -> &str {
        "m20261127_000001_example_create_chat_messages"
    }
}

// `#[async_trait]` signatures must match the trait's, which elides the manager's lifetime.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for CreateChatMessages {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ExampleChatMessages::Table)
                    .if_not_exists()
                    .col(pk_auto(ExampleChatMessages::Id))
                    .col(string_len(ExampleChatMessages::Room, 40))
                    .col(string_len(ExampleChatMessages::Username, 150))
                    .col(text(ExampleChatMessages::Text))
                    .col(timestamp_with_time_zone(ExampleChatMessages::CreatedAt))
                    .to_owned(),
            )
            .await
    }
}
