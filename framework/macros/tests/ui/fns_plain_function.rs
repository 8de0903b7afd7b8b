async fn greet(name: String) -> mizan::Result<String> {
    Ok(format!("Hello, {name}!"))
}

fn main() {
    let _ = mizan::fns![greet];
}
