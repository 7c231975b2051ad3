//! The gateway binary: load settings, start telemetry, serve until SIGTERM.

use mercado_gateway::{config::Settings, startup::Application};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    kit::telemetry::init("gateway");
    let app = Application::build(Settings::from_env()?).await?;
    app.run_until_stopped().await?;
    Ok(())
}
