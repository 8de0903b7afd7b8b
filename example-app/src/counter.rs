//! The example app's own table, `example_counters`, and its migration: app tables use the
//! same migrator as the framework's (see [`Migrator`]).

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::Set;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string_len};

/// The example app's migrator: the framework's migrations, then the app's.
#[derive(Debug, Clone, Copy)]
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations = mizan::db::framework_migrations();
        migrations.push(Box::new(CreateCounters));
        migrations.push(Box::new(crate::forms::CreateContactMessages));
        migrations.push(Box::new(crate::chat::CreateChatMessages));
        migrations
    }
}

/// Named counters.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One counter.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "example_counters")]
    pub struct Model {
        /// The counter's name.
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        /// Its value.
        pub value: i32,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The value of counter `name` (0 when it was never incremented).
pub async fn value(db: &DatabaseConnection, name: &str) -> Result<i32, DbErr> {
    Ok(entity::Entity::find_by_id(name.to_owned()).one(db).await?.map_or(0, |counter| counter.value))
}

/// Adds `by` to counter `name`, creating it at 0 first; returns the new value.
pub async fn increment(db: &DatabaseConnection, name: &str, by: i32) -> Result<i32, DbErr> {
    let row = entity::ActiveModel { name: Set(name.to_owned()), value: Set(by) };
    entity::Entity::insert(row)
        .on_conflict(
            OnConflict::column(entity::Column::Name)
                .value(entity::Column::Value, Expr::col((entity::Entity, entity::Column::Value)).add(by))
                .to_owned(),
        )
        .exec(db)
        .await?;
    value(db, name).await
}

#[derive(DeriveIden)]
enum ExampleCounters {
    Table,
    Name,
    Value,
}

struct CreateCounters;

impl MigrationName for CreateCounters {
    fn name(&self) -> &str {
        "m20260102_000001_example_create_counters"
    }
}

// `#[async_trait]` signatures must match the trait's, which elides the manager's lifetime.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for CreateCounters {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ExampleCounters::Table)
                    .if_not_exists()
                    .col(string_len(ExampleCounters::Name, 64).primary_key())
                    .col(integer(ExampleCounters::Value))
                    .to_owned(),
            )
            .await
    }
}
