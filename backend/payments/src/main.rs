//! The payments service binary: load settings, start telemetry, run until SIGTERM.
//!
//! A refused start (bad settings, e.g. a real provider with the sandbox's webhook secret;
//! unreachable database or NATS) is logged once with its message and exits with status 1.

use std::process::ExitCode;

use mercado_payments::{config::Settings, startup::Application};

#[tokio::main]
async fn main() -> ExitCode {
    kit::telemetry::init("payments");
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "payments cannot run");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let app = Application::build(Settings::from_env()?).await?;
    app.run_until_stopped().await?;
    Ok(())
}
