fn is_admin(_user: &str) -> bool {
    true
}

#[mizan::client(auth = is_admin)]
async fn delete_everything() -> mizan::Result<()> {
    Ok(())
}

fn main() {}
