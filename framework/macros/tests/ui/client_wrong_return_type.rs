#[mizan::client]
async fn answer() -> u32 {
    42
}

fn main() {}
