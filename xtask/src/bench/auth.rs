//! Auth under load: sign-in throughput through the gateway (argon2id makes each one cost
//! tens of milliseconds of CPU on purpose), and what verifying a token costs the gateway,
//! as the ratio of signed-in to anonymous calls of the same public route.

use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

use super::{median, wrk_with, ROUNDS};
use crate::stack::StackConfig;
use crate::{cmd, tools};

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "correct horse battery";
/// Sign-in is CPU-bound; more connections only queue.
const SIGN_IN_CONNECTIONS: u32 = 8;

/// Registers the bench user, then runs both measurements.
pub fn measure(tools: &tools::Tools, config: &StackConfig, work: &Path, report: &mut String) -> Result<()> {
    let token = register(tools, config)?;
    let script = work.join("sign-in.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
             wrk.body = '{{\"email\":\"{EMAIL}\",\"password\":\"{PASSWORD}\"}}'\n"
        ),
    )?;
    let script = script.to_string_lossy().into_owned();
    println!("==> auth load: sign-in, and signed-in vs anonymous catalog calls");
    let sign_in_url = format!("{}/api/identity/sessions", config.base_url());
    let mut sign_ins = Vec::new();
    for _ in 0..ROUNDS {
        sign_ins.push(wrk_with(&sign_in_url, SIGN_IN_CONNECTIONS, &["-s", &script])?);
    }
    let public = format!(
        "{}/api/catalog/products?page=2&limit=24&sort=price_asc",
        config.base_url()
    );
    let bearer = format!("Authorization: Bearer {token}");
    let (mut anonymous, mut signed_in) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        anonymous.push(wrk_with(&public, super::CONNECTIONS, &[])?);
        signed_in.push(wrk_with(&public, super::CONNECTIONS, &["-H", &bearer])?);
    }
    let rps = |loads: &[super::Load]| median(loads.iter().map(|l| l.rps).collect());
    let p99 = |loads: &[super::Load]| median(loads.iter().map(|l| l.p99_ms).collect());
    writeln!(
        report,
        "## Auth (through the gateway, median of {ROUNDS} rounds)\n"
    )?;
    writeln!(report, "| measure | requests/s | p99 |\n|---|---|---|")?;
    writeln!(
        report,
        "| sign-in (argon2id verify + session + token), {SIGN_IN_CONNECTIONS} connections | {:.0} | {:.1} ms |",
        rps(&sign_ins),
        p99(&sign_ins)
    )?;
    writeln!(
        report,
        "| catalog list, anonymous, {} connections | {:.0} | {:.2} ms |",
        super::CONNECTIONS,
        rps(&anonymous),
        p99(&anonymous)
    )?;
    writeln!(
        report,
        "| catalog list, signed in (gateway verifies the token), {} connections | {:.0} | {:.2} ms |",
        super::CONNECTIONS,
        rps(&signed_in),
        p99(&signed_in)
    )?;
    writeln!(
        report,
        "\nSigned-in / anonymous throughput ratio: **{:.2}** (1.00 = the token check is free)\n",
        rps(&signed_in) / rps(&anonymous)
    )?;
    Ok(())
}

/// Creates the bench user through the gateway and returns an access token.
fn register(tools: &tools::Tools, config: &StackConfig) -> Result<String> {
    let program = format!(
        r#"
import json, urllib.request
body = json.dumps({{"name": "Bench", "email": "{EMAIL}", "password": "{PASSWORD}"}}).encode()
request = urllib.request.Request("{base}/api/identity/users", data=body, headers={{"Content-Type": "application/json"}})
print(json.load(urllib.request.urlopen(request))["accessToken"])
"#,
        base = config.base_url()
    );
    let out = cmd::output(cmd::new(tools.python.to_string_lossy().as_ref()).args(["-c", &program]))
        .context("registering the bench user")?;
    Ok(out.trim().to_string())
}
