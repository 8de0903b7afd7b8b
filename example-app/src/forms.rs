//! The example app's forms: `contact` (stored in the database) and `signup` (an account,
//! through the framework's auth functions). Each is declared once; the server checks it and
//! the generated `useContactForm()` / `useSignupForm()` check the same rules in the browser.

use std::time::Duration;

use mizan::auth::throttle::RateLimit;
use mizan::{Ctx, Error};
use schemars::JsonSchema;
use sea_orm::entity::prelude::*;
use sea_orm::{QueryOrder, Set};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{pk_auto, string, string_len, text, timestamp_with_time_zone};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// What a contact message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Anything.
    General,
    /// Help with the product.
    Support,
    /// Praise and complaints.
    Feedback,
}

impl Topic {
    fn as_str(self) -> &'static str {
        match self {
            Topic::General => "general",
            Topic::Support => "support",
            Topic::Feedback => "feedback",
        }
    }
}

/// Sends the team a message; it is stored in the database.
#[mizan::form(name = "contact", title = "Contact us", invalidates = ["contact_stats"])]
#[derive(Debug, Deserialize, JsonSchema, Validate)]
pub struct ContactForm {
    /// Who writes.
    #[field(label = "Your name", placeholder = "Ann Smith")]
    #[validate(length(min = 1, max = 80, message = "enter your name (up to 80 characters)"))]
    pub name: String,
    /// Where the answer goes.
    #[field(label = "Email", placeholder = "you@example.com", help = "We answer to this address.")]
    #[validate(email(message = "enter a valid email address"))]
    pub email: String,
    /// What it is about.
    #[field(
        label = "Topic",
        choices = [("general", "General question"), ("support", "Support"), ("feedback", "Feedback")],
        initial = "general"
    )]
    pub topic: Topic,
    /// The message itself.
    #[field(label = "Message", widget = "textarea", placeholder = "How can we help?")]
    #[validate(length(min = 10, max = 2000, message = "write 10 to 2000 characters"))]
    pub message: String,
}

/// The stored message's receipt.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ContactReceipt {
    /// The message's number.
    pub id: i32,
    /// "Thanks, Ann! ..."
    pub reply: String,
}

impl mizan::Form for ContactForm {
    type Output = ContactReceipt;

    /// The same message from the same address is refused (a double submit, a resend).
    async fn check(&self, ctx: &Ctx) -> mizan::Result<()> {
        let duplicate = messages::Entity::find()
            .filter(messages::Column::Email.eq(self.email.trim()))
            .filter(messages::Column::Message.eq(self.message.trim()))
            .one(ctx.db()?)
            .await?;
        if duplicate.is_some() {
            return Err(Error::invalid_field("message", "we already received this message from you"));
        }
        Ok(())
    }

    async fn on_submit(self, ctx: &Ctx) -> mizan::Result<ContactReceipt> {
        let row = messages::ActiveModel {
            name: Set(self.name.trim().to_owned()),
            email: Set(self.email.trim().to_owned()),
            topic: Set(self.topic.as_str().to_owned()),
            message: Set(self.message.trim().to_owned()),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let stored = row.insert(ctx.db()?).await?;
        Ok(ContactReceipt { id: stored.id, reply: format!("Thanks, {}! We will answer soon.", stored.name) })
    }
}

/// How many contact messages were received, and the latest one's topic.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ContactStats {
    /// Messages stored so far.
    pub received: u32,
    /// The topic of the latest message.
    pub latest_topic: Option<String>,
}

/// The contact page's statistics: a local context, refetched after every submission.
#[mizan::client(context = "local")]
pub async fn contact_stats(ctx: &Ctx) -> mizan::Result<ContactStats> {
    let db = ctx.db()?;
    let received = <u32 as TryFrom<u64>>::try_from(messages::Entity::find().count(db).await?).unwrap_or(u32::MAX);
    let latest = messages::Entity::find().order_by_desc(messages::Column::Id).one(db).await?;
    Ok(ContactStats { received, latest_topic: latest.map(|message| message.topic) })
}

/// Creates an account and logs it in.
#[mizan::form(name = "signup", title = "Create an account", invalidates = ["current_user"])]
#[derive(Debug, Deserialize, JsonSchema, Validate)]
pub struct SignupForm {
    /// The login name.
    #[field(label = "Username", help = "Letters, digits and @ . + - _", placeholder = "ann")]
    #[validate(length(min = 1, max = 150, message = "use 1 to 150 characters"))]
    pub username: String,
    /// The account's email address.
    #[field(label = "Email", placeholder = "you@example.com")]
    #[validate(email(message = "enter a valid email address"))]
    pub email: String,
    /// The password.
    #[field(label = "Password", help = "At least 8 characters.")]
    #[validate(length(min = 8, max = 1024, message = "use 8 to 1024 characters"))]
    pub password: String,
    /// The password again.
    #[field(label = "Repeat the password", widget = "password")]
    #[validate(must_match(other = "password", message = "the passwords differ"))]
    pub password_again: String,
}

impl mizan::Form for SignupForm {
    type Output = mizan::auth::CurrentUser;

    async fn check(&self, ctx: &Ctx) -> mizan::Result<()> {
        // Each check tells whether a name exists: limited per client address, so the form
        // cannot be used to list the accounts.
        ctx.rate_limit("signup.check", RateLimit::new(60, Duration::from_secs(10 * 60))).await?;
        if mizan::auth::users::find_by_username(ctx.db()?, &self.username).await?.is_some() {
            return Err(Error::invalid_field("username", "this username is taken"));
        }
        Ok(())
    }

    async fn on_submit(self, ctx: &Ctx) -> mizan::Result<mizan::auth::CurrentUser> {
        // Also refuses a username taken since `check` ran, as a field error.
        mizan::auth::sign_up(ctx, &self.username, &self.email, &self.password).await
    }
}

/// Stored contact messages.
pub mod messages {
    use sea_orm::entity::prelude::*;

    /// One message.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "example_contact_messages")]
    pub struct Model {
        /// Its number.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// Who wrote it.
        pub name: String,
        /// Their address.
        pub email: String,
        /// The topic (`general`, `support`, `feedback`).
        pub topic: String,
        /// The text.
        #[sea_orm(column_type = "Text")]
        pub message: String,
        /// When it arrived.
        pub created_at: ChronoDateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(DeriveIden)]
enum ExampleContactMessages {
    Table,
    Id,
    Name,
    Email,
    Topic,
    Message,
    CreatedAt,
}

/// Creates `example_contact_messages`.
pub(crate) struct CreateContactMessages;

impl MigrationName for CreateContactMessages {
    fn name(&self) -> &str {
        "m20261126_000001_example_create_contact_messages"
    }
}

// `#[async_trait]` signatures must match the trait's, which elides the manager's lifetime.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for CreateContactMessages {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ExampleContactMessages::Table)
                    .if_not_exists()
                    .col(pk_auto(ExampleContactMessages::Id))
                    .col(string_len(ExampleContactMessages::Name, 80))
                    .col(string(ExampleContactMessages::Email))
                    .col(string_len(ExampleContactMessages::Topic, 16))
                    .col(text(ExampleContactMessages::Message))
                    .col(timestamp_with_time_zone(ExampleContactMessages::CreatedAt))
                    .to_owned(),
            )
            .await
    }
}
