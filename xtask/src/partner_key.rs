//! `cargo xtask partner-key issue --partner NAME --tier free|partner | list | revoke ID`: the
//! operator's side of identity's admin API for partner keys (docs/decisions/0017).
//!
//! It calls identity directly — the admin API is not reachable through the gateway — at
//! `IDENTITY_URL` (default `http://127.0.0.1:8101`, as `cargo xtask up` runs it; a port-forward
//! in Kubernetes) with `ADMIN_TOKEN` from the environment, never from the command line, where
//! it would be kept in the shell's history and shown by `ps`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use contracts::partner::{IssuedKey, PartnerKeyList, PartnerKeyView, Tier};

const USAGE: &str =
    "usage: cargo xtask partner-key <issue --partner NAME --tier free|partner | list | revoke ID>";

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Issue a key for `partner` at `tier`.
    Issue {
        /// Who it is for.
        partner: String,
        /// Its tier.
        tier: Tier,
    },
    /// List every key.
    List,
    /// Revoke the key with this id.
    Revoke(String),
}

/// Parses the arguments after `partner-key`.
pub fn parse(args: &[String]) -> Result<Command> {
    match args.first().map(String::as_str) {
        Some("list") if args.len() == 1 => Ok(Command::List),
        Some("revoke") => match &args[1..] {
            [id] if !id.starts_with('-') => Ok(Command::Revoke(id.clone())),
            _ => bail!("revoke takes one key id\n{USAGE}"),
        },
        Some("issue") => parse_issue(&args[1..]),
        _ => bail!("{USAGE}"),
    }
}

fn parse_issue(args: &[String]) -> Result<Command> {
    let (mut partner, mut tier) = (None, None);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest
            .next()
            .with_context(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--partner" => partner = Some(value.clone()),
            "--tier" => {
                tier = Some(
                    Tier::parse(value)
                        .with_context(|| format!("unknown tier {value:?}: free or partner\n{USAGE}"))?,
                )
            }
            other => bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    match (partner, tier) {
        (Some(partner), Some(tier)) => Ok(Command::Issue { partner, tier }),
        _ => bail!("issue needs --partner and --tier\n{USAGE}"),
    }
}

/// Runs `cargo xtask partner-key …`.
pub fn run(args: &[String]) -> Result<()> {
    let command = parse(args)?;
    let token = std::env::var("ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .context("set ADMIN_TOKEN to identity's admin token")?;
    let base = std::env::var("IDENTITY_URL").unwrap_or_else(|_| "http://127.0.0.1:8101".into());
    let address = base
        .strip_prefix("http://")
        .map(|a| a.trim_end_matches('/'))
        .context("IDENTITY_URL must be http://host:port (use a port-forward for a cluster)")?;
    match command {
        Command::Issue { partner, tier } => {
            let body = serde_json::json!({"partner": partner, "tier": tier});
            let issued: IssuedKey = call(address, "POST", "/admin/partner-keys", &token, Some(&body), 201)?;
            println!("{}", describe(&issued.view));
            println!(
                "\n  {}\n\nThe key is shown this once; identity keeps only its hash.",
                issued.key
            );
        }
        Command::List => {
            let list: PartnerKeyList = call(address, "GET", "/admin/partner-keys", &token, None, 200)?;
            for key in &list.keys {
                println!("{}", describe(key));
            }
        }
        Command::Revoke(id) => {
            let path = format!("/admin/partner-keys/{id}");
            let key: PartnerKeyView = call(address, "DELETE", &path, &token, None, 200)?;
            println!("{}", describe(&key));
        }
    }
    Ok(())
}

fn describe(key: &PartnerKeyView) -> String {
    let state = key
        .revoked_at
        .as_deref()
        .map_or("working".to_string(), |at| format!("revoked {at}"));
    format!(
        "{}  {:<8} {}…  {}  created {}  {state}",
        key.id,
        key.tier.as_str(),
        key.hint,
        key.partner,
        key.created_at
    )
}

/// One HTTP/1.1 request to identity (plain HTTP on a private address; no client crate needed).
fn call<T: serde::de::DeserializeOwned>(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&serde_json::Value>,
    expect: u16,
) -> Result<T> {
    let mut stream =
        TcpStream::connect(address).with_context(|| format!("cannot reach identity at {address}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (status, text) = split_response(&response).context("identity sent no HTTP answer")?;
    if status != expect {
        bail!("identity answered {status}: {text}");
    }
    serde_json::from_str(text).with_context(|| format!("unexpected answer: {text}"))
}

/// The status and body of a `Connection: close` answer with a length (what axum sends JSON with).
fn split_response(response: &str) -> Option<(u16, &str)> {
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let (_, body) = response.split_once("\r\n\r\n")?;
    Some((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn the_three_commands_parse() {
        assert_eq!(
            parse(&args("issue --partner Acme --tier free")).unwrap(),
            Command::Issue {
                partner: "Acme".into(),
                tier: Tier::Free
            }
        );
        assert_eq!(
            parse(&args("issue --tier partner --partner Acme")).unwrap(),
            Command::Issue {
                partner: "Acme".into(),
                tier: Tier::Partner
            }
        );
        assert_eq!(parse(&args("list")).unwrap(), Command::List);
        assert_eq!(
            parse(&args("revoke 0193-abc")).unwrap(),
            Command::Revoke("0193-abc".into())
        );
    }

    #[test]
    fn bad_arguments_are_refused_with_the_usage() {
        for bad in [
            "",
            "rotate",
            "list extra",
            "revoke",
            "revoke a b",
            "revoke --all",
            "issue --partner Acme",
            "issue --tier free",
            "issue --partner Acme --tier gold",
            "issue --partner Acme --tier",
            "issue --partner Acme --tier free --admin-token x",
        ] {
            let err = parse(&args(bad)).unwrap_err().to_string();
            assert!(err.contains("usage: cargo xtask partner-key"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn an_answer_splits_into_status_and_body() {
        let answer = "HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(split_response(answer), Some((201, "{}")));
        assert_eq!(split_response("garbage"), None);
    }
}
