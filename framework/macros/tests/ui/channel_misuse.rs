#[mizan::channel]
struct NotAnImpl;

struct Lobby;

#[mizan::channel]
impl Lobby {
    fn hello() {}
}

#[mizan::channel(name = "lobby")]
impl Lobby {}

fn main() {}
