use mizan::channels::{Channel, NoMessages};

#[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, validator::Validate)]
pub struct Topic {
    pub name: String,
}

pub struct Feed<T>(std::marker::PhantomData<T>);

#[mizan::channel]
impl<T: serde::Serialize + schemars::JsonSchema + 'static> Channel for Feed<T> {
    const NAME: &'static str = "feed";
    type Params = Topic;
    type ServerMessage = T;
    type ClientMessage = NoMessages;

    fn group(params: &Topic) -> String {
        params.name.clone()
    }
}

fn main() {
    let _ = mizan::channels![Feed<String>];
}
