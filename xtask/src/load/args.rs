//! The command line of `cargo xtask load`, parsed into [`Options`] with an error that names
//! the flag and what it accepts ("parse, don't validate": a run never starts half-configured).

use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::profile::ThinkTime;

/// What `load` is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Virtual shoppers running at once (`--users`, default 10).
    pub users: usize,
    /// How long they shop once all are signed in (`--duration`, default 60 s).
    pub duration: Duration,
    /// The pause between two tasks of one shopper (`--think-ms`, default 1000..10000 like
    /// Locust's `between(1, 10)`; `0` saturates).
    pub think: ThinkTime,
    /// The storefront's base URL (`--target`, default the local stack's gateway).
    pub target: String,
    /// Checkouts that press "Decline" on the sandbox pay page (`--decline-percent`, 10).
    pub decline_percent: u8,
    /// Seeds every shopper's choices, for a run that can be repeated (`--seed`, random).
    pub seed: Option<u64>,
}

/// What `cargo xtask up` and the compose stack both serve.
pub const DEFAULT_TARGET: &str = "http://127.0.0.1:8080";

/// The usage line printed with every argument error.
pub const USAGE: &str = "usage: cargo xtask load [--users N] [--duration 60s|2m] [--think-ms 1000..10000|0] \
[--target http://127.0.0.1:8080] [--decline-percent 10] [--seed N]";

impl Default for Options {
    fn default() -> Self {
        Options {
            users: 10,
            duration: Duration::from_secs(60),
            think: ThinkTime::between_ms(1_000, 10_000),
            target: DEFAULT_TARGET.to_string(),
            decline_percent: 10,
            seed: None,
        }
    }
}

/// Parses `args` (after `load`): `--flag value` or `--flag=value`.
pub fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag {
            "--users" => options.users = users(&value()?)?,
            "--duration" => options.duration = duration(&value()?)?,
            "--think-ms" => options.think = think(&value()?)?,
            "--target" => options.target = target(&value()?)?,
            "--decline-percent" => options.decline_percent = percent(&value()?)?,
            "--seed" => options.seed = Some(value()?.parse().context("--seed wants a whole number")?),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(options)
}

fn users(text: &str) -> Result<usize> {
    match text.parse::<usize>() {
        Ok(n) if (1..=10_000).contains(&n) => Ok(n),
        _ => bail!("--users wants a whole number from 1 to 10000, not {text:?}"),
    }
}

/// `90` (seconds), `90s`, `2m`, `1h`, `500ms`; never zero.
pub fn duration(text: &str) -> Result<Duration> {
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let wrong = || format!("--duration wants a length such as 60s, 2m or 1h, not {text:?}");
    let n: u64 = number.parse().with_context(wrong)?;
    let length = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" | "min" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => bail!(wrong()),
    };
    if length.is_zero() {
        bail!("--duration must be longer than zero");
    }
    Ok(length)
}

/// `1000..10000` (a uniform pause in milliseconds), or one number for a fixed pause.
fn think(text: &str) -> Result<ThinkTime> {
    let wrong = || format!("--think-ms wants MIN..MAX or one number of milliseconds, not {text:?}");
    let (min, max) = match text.split_once("..") {
        Some((min, max)) => (min.parse().with_context(wrong)?, max.parse().with_context(wrong)?),
        None => {
            let fixed = text.parse().with_context(wrong)?;
            (fixed, fixed)
        }
    };
    if min > max {
        bail!("--think-ms: {min} is more than {max}");
    }
    Ok(ThinkTime::between_ms(min, max))
}

fn target(text: &str) -> Result<String> {
    let trimmed = text.trim_end_matches('/');
    if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
        bail!("--target wants a base URL such as {DEFAULT_TARGET}, not {text:?}");
    }
    Ok(trimmed.to_string())
}

fn percent(text: &str) -> Result<u8> {
    match text.parse::<u8>() {
        Ok(n) if n <= 100 => Ok(n),
        _ => bail!("--decline-percent wants 0 to 100, not {text:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn error(line: &str) -> String {
        format!("{:#}", parse(&args(line)).expect_err(line))
    }

    #[test]
    fn no_arguments_give_the_locust_like_defaults_against_the_local_stack() {
        let options = parse(&[]).expect("defaults");
        assert_eq!(options, Options::default());
        assert_eq!(options.target, "http://127.0.0.1:8080");
        assert_eq!(options.think, ThinkTime::between_ms(1_000, 10_000));
    }

    #[test]
    fn every_flag_is_read_in_both_spellings() {
        let options = parse(&args(
            "--users 20 --duration=2m --think-ms 0..200 --target http://127.0.0.1:28080/ --decline-percent=0 --seed 7",
        ))
        .expect("valid");
        assert_eq!(options.users, 20);
        assert_eq!(options.duration, Duration::from_secs(120));
        assert_eq!(options.think, ThinkTime::between_ms(0, 200));
        assert_eq!(options.target, "http://127.0.0.1:28080");
        assert_eq!(options.decline_percent, 0);
        assert_eq!(options.seed, Some(7));
        assert_eq!(
            parse(&args("--think-ms 0")).expect("0").think,
            ThinkTime::between_ms(0, 0)
        );
    }

    #[test]
    fn durations_take_a_unit_or_mean_seconds() {
        assert_eq!(duration("90").expect("90"), Duration::from_secs(90));
        assert_eq!(duration("45s").expect("45s"), Duration::from_secs(45));
        assert_eq!(duration("500ms").expect("ms"), Duration::from_millis(500));
        assert_eq!(duration("1h").expect("1h"), Duration::from_secs(3600));
    }

    #[test]
    fn bad_values_say_which_flag_and_what_it_wants() {
        assert!(error("--users 0").contains("--users wants a whole number from 1"));
        assert!(error("--users many").contains("not \"many\""));
        assert!(error("--users").contains("--users needs a value"));
        assert!(error("--duration 10x").contains("--duration wants a length such as 60s"));
        assert!(error("--duration -5s").contains("--duration wants"));
        assert!(error("--duration 0s").contains("longer than zero"));
        assert!(error("--think-ms 10..1").contains("10 is more than 1"));
        assert!(error("--think-ms a..b").contains("--think-ms wants MIN..MAX"));
        assert!(error("--target localhost:8080").contains("--target wants a base URL"));
        assert!(error("--decline-percent 101").contains("0 to 100"));
        assert!(error("--color").contains("unknown argument \"--color\""));
    }
}
