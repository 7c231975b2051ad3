//! The reviews service binary: load settings, start telemetry, run until SIGTERM.

use mercado_reviews::{config::Settings, startup::Application};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    kit::telemetry::init("reviews");
    let app = Application::build(Settings::from_env()?).await?;
    app.run_until_stopped().await?;
    Ok(())
}
