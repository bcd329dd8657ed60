//! `intercom`: every operation of the Intercom REST API from a shell, on top of `intercom-client`.
//!
//! A package of its own, so that users of the library compile no command-line parser.
#![warn(missing_docs)]

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser};
use intercom_client::{Client, Region, TOKEN_ENV, webhooks};

mod command;
mod output;
mod table;
mod values;

use crate::command::Call;
use crate::table::subcommands;

/// Call the Intercom REST API. Prints the response JSON on success; one line on stderr and a
/// non-zero exit status on failure.
///
/// Each operation of the API is a subcommand named after its operationId; its path, query and
/// header parameters and its body's top-level fields are flags, and `--json-body FILE|-` sends a
/// whole JSON body. Paginated operations take `--all` for every item of every page, one JSON
/// object per line.
#[derive(Parser, Debug)]
#[command(
    name = "intercom",
    version,
    subcommand_required = true,
    next_help_heading = "Global options"
)]
struct Cli {
    /// Access token (default: the INTERCOM_API_KEY environment variable).
    #[arg(long, env = "INTERCOM_API_KEY", hide_env_values = true, global = true)]
    token: Option<String>,
    /// Region whose server to use.
    #[arg(long, value_parser = parse_region, default_value = "us", global = true)]
    region: Region,
    /// Base URL replacing the region's (wins over --region).
    #[arg(long, global = true)]
    base_url: Option<String>,
    /// Value of the Intercom-Version header (default: the version the client was generated for).
    #[arg(long, global = true)]
    intercom_version: Option<String>,
    /// Seconds allowed for each attempt.
    #[arg(long, value_parser = parse_seconds, global = true)]
    timeout: Option<Duration>,
    /// Retries after a failed attempt (0 disables retrying).
    #[arg(long, global = true)]
    max_retries: Option<u32>,
    /// Trace each call on stderr: operation, method, URL, status, request id, rate limit left,
    /// each retry with its reason and delay. The token is never printed.
    #[arg(long, short, global = true)]
    verbose: bool,
}

/// Check a webhook notification's signature
///
/// Reads the raw body from stdin and exits 0 when the signature matches, 1 with the reason when
/// not. The app's client secret comes from an environment variable, never from a flag.
#[derive(Args, Debug)]
struct VerifyWebhook {
    /// The `X-Hub-Signature` header's value, `sha1=<hex>`.
    #[arg(long)]
    signature: String,
    /// The environment variable holding the client secret.
    #[arg(long, default_value = "INTERCOM_CLIENT_SECRET")]
    secret_env: String,
}

/// The subcommand that is not an operation of the API.
const VERIFY_WEBHOOK: &str = "verify-webhook";

/// The whole command: the global flags, a subcommand per operation of the table, and
/// `verify-webhook`.
fn cli() -> clap::Command {
    let mut cmd = Cli::command();
    for sub in subcommands() {
        cmd = cmd.subcommand(command::subcommand(sub));
    }
    cmd.subcommand(VerifyWebhook::augment_args(clap::Command::new(
        VERIFY_WEBHOOK,
    )))
}

/// What the command line asks for.
enum Invocation {
    Operation(Box<Call>),
    VerifyWebhook(VerifyWebhook),
}

/// Reads the command line; a usage error exits here, as clap does.
fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<(Cli, Invocation), Failure> {
    let matches = cli()
        .try_get_matches_from(args)
        .unwrap_or_else(|e| e.exit());
    let globals = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Failure::Usage("no command given; see --help".to_string()));
    };
    if name == VERIFY_WEBHOOK {
        let args = VerifyWebhook::from_arg_matches(sub).unwrap_or_else(|e| e.exit());
        return Ok((globals, Invocation::VerifyWebhook(args)));
    }
    let entry = subcommands()
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| Failure::Usage(format!("unknown command `{name}`")))?;
    let call = Call::from_matches(entry, sub)?;
    Ok((globals, Invocation::Operation(Box::new(call))))
}

fn parse_region(s: &str) -> Result<Region, String> {
    Region::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Region::ALL.iter().map(|r| r.name()).collect();
        format!(
            "unknown region `{s}` (expected one of: {})",
            names.join(", ")
        )
    })
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("`{s}` is not a positive number of seconds"))
}

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = parse(std::env::args_os())
        .and_then(|(cli, invocation)| runtime.block_on(run(cli, invocation)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Call(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Err(Failure::Refused(reason)) => {
            eprintln!("error: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// Why the program failed.
#[derive(Debug)]
enum Failure {
    /// A usage error: exit status 2 with the message.
    Usage(String),
    /// A call that failed: exit status 1 with the error.
    Call(intercom_client::Error),
    /// A check that failed: exit status 1 with the reason.
    Refused(String),
}

impl From<intercom_client::Error> for Failure {
    fn from(e: intercom_client::Error) -> Self {
        match e {
            intercom_client::Error::Config(_) => Failure::Usage(e.to_string()),
            e => Failure::Call(e),
        }
    }
}

async fn run(cli: Cli, invocation: Invocation) -> Result<(), Failure> {
    if cli.verbose {
        trace_to_stderr();
    }
    let call = match invocation {
        Invocation::VerifyWebhook(args) => {
            let verdict = verify_webhook(&args.signature, &args.secret_env)?;
            println!("{verdict}");
            return Ok(());
        }
        Invocation::Operation(call) => call,
    };
    let mut builder = Client::builder().region(cli.region);
    match cli.token.filter(|t| !t.trim().is_empty()) {
        Some(token) => builder = builder.token(token),
        // Nothing is sent without a token: the API would only answer 401.
        None if intercom_client::BEARER_AUTH => {
            return Err(Failure::Usage(format!(
                "no access token: pass --token TOKEN or set {TOKEN_ENV} (an access token of your Intercom app, from its Authentication page in the Developer Hub)"
            )));
        }
        None => {}
    }
    if let Some(url) = cli.base_url {
        builder = builder.base_url(url);
    }
    if let Some(v) = cli.intercom_version {
        builder = builder.api_version(v);
    }
    if let Some(t) = cli.timeout {
        builder = builder.timeout(t);
    }
    if let Some(n) = cli.max_retries {
        builder = builder.max_retries(n);
    }
    let client = builder.build()?;
    call.run(client.runtime()).await
}

/// Prints the client's traces on stderr: its span per call and its events.
fn trace_to_stderr() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;

    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    let filter = Targets::new().with_target("intercom_runtime", LevelFilter::DEBUG);
    let _ = tracing_subscriber::registry()
        .with(layer)
        .with(filter)
        .try_init();
}

/// `verify-webhook`: the body from stdin, the secret from the environment.
fn verify_webhook(signature: &str, secret_env: &str) -> Result<String, Failure> {
    let secret = std::env::var(secret_env)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Failure::Usage(format!(
                "no client secret: set {secret_env} to your app's client secret"
            ))
        })?;
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| Failure::Usage(format!("cannot read the body from stdin: {e}")))?;
    webhooks::verify(secret.as_bytes(), signature, &body)
        .map_err(|e| Failure::Refused(format!("signature refused: {e}")))?;
    Ok("signature verified".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_are_consistent() {
        cli().debug_assert();
    }
}
