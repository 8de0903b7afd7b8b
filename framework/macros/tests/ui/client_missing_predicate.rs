#[mizan::client(auth = permissions::can_edit)]
async fn edit() -> mizan::Result<()> {
    Ok(())
}

fn main() {}
