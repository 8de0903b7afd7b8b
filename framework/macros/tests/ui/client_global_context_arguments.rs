#[mizan::client(context = "global")]
async fn greeting(name: String) -> mizan::Result<String> {
    Ok(name)
}

fn main() {}
