//! `marsad demo`: placeholder.
pub async fn run(_pause: std::time::Duration) -> anyhow::Result<()> {
    Ok(())
}
