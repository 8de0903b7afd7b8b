pub struct Lobby;

#[mizan::channel]
impl Default for Lobby {
    fn default() -> Self {
        Lobby
    }
}

fn main() {}
