pub struct Lobby;

fn main() {
    let _ = mizan::channels![Lobby];
}
