//! `intercom`: the Intercom contacts API from a shell, on top of `intercom-client`.
//!
//! A package of its own, so that users of the library compile no command-line parser.

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use intercom_client::types::UpdateContactRequest;
use intercom_client::{Client, Region, Response, TOKEN_ENV, webhooks};
use serde::Serialize;

/// Call the Intercom REST API. Prints the response JSON on success; one line on stderr and a
/// non-zero exit status on failure.
#[derive(Parser, Debug)]
#[command(name = "intercom", version)]
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
#[allow(clippy::enum_variant_names)] // the names are the API operations' names
enum Command {
    /// Get a contact.
    ShowContact {
        /// The contact's id.
        #[arg(long)]
        id: String,
    },
    /// Update a contact: only the fields given are sent.
    UpdateContact(UpdateArgs),
    /// Remove a tag from a contact.
    DetachTagFromContact {
        /// The contact's id.
        #[arg(long)]
        contact_id: String,
        /// The tag's id.
        #[arg(long)]
        tag_id: String,
    },
    /// Check a webhook notification's signature: reads the raw body from stdin and exits 0 when
    /// the signature matches, 1 with the reason when not. The app's client secret comes from an
    /// environment variable, never from a flag.
    VerifyWebhook {
        /// The `X-Hub-Signature` header's value, `sha1=<hex>`.
        #[arg(long)]
        signature: String,
        /// The environment variable holding the client secret.
        #[arg(long, default_value = "INTERCOM_CLIENT_SECRET")]
        secret_env: String,
    },
}

#[derive(Args, Debug)]
struct UpdateArgs {
    /// The contact's id.
    #[arg(long)]
    id: String,
    #[command(flatten)]
    fields: UpdateFields,
    /// Send this JSON object (a file, or - for stdin) as the body, member for member;
    /// `{"phone": null}` clears the phone. Not combinable with the field options.
    #[arg(long, value_name = "FILE|-")]
    json_body: Option<String>,
}

/// The update body's fields as options, each named as its member of the body: serialised, the
/// options given are the body's members, and a given option sets its field to the value. Each
/// conflicts with `--json-body` itself, so a usage error names the field options given.
#[derive(Args, Serialize, Debug)]
#[group(id = "fields", multiple = true)]
struct UpdateFields {
    /// New role: user or lead.
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    /// New external id.
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    /// New email.
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    /// New phone number.
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    /// New name.
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// New avatar image URL.
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    avatar: Option<String>,
    /// Sign-up time (UNIX seconds).
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_up_at: Option<i64>,
    /// Last-seen time (UNIX seconds).
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seen_at: Option<i64>,
    /// Id of the admin who owns the contact.
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    owner_id: Option<i64>,
    /// Whether the contact is unsubscribed from emails.
    #[arg(long, conflicts_with = "json_body")]
    #[serde(skip_serializing_if = "Option::is_none")]
    unsubscribed_from_emails: Option<bool>,
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
    let cli = Cli::parse();
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
    match runtime.block_on(run(cli)) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
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

enum Failure {
    Usage(String),
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

async fn run(cli: Cli) -> Result<String, Failure> {
    if cli.verbose {
        trace_to_stderr();
    }
    if let Command::VerifyWebhook {
        signature,
        secret_env,
    } = &cli.command
    {
        return verify_webhook(signature, secret_env);
    }
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
    match cli.command {
        Command::ShowContact { id } => output(client.show_contact(&id).await?),
        Command::UpdateContact(args) => {
            let id = args.id.clone();
            let body = update_body(args)?;
            output(client.update_contact(&id, &body).await?)
        }
        Command::DetachTagFromContact { contact_id, tag_id } => {
            output(client.detach_tag_from_contact(&contact_id, &tag_id).await?)
        }
        Command::VerifyWebhook { .. } => unreachable_command(),
    }
}

/// `verify-webhook` returns before a client is built.
fn unreachable_command() -> Result<String, Failure> {
    Err(Failure::Usage(
        "internal error: command handled earlier".to_string(),
    ))
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

/// The body as received, pretty-printed member by member in the order it arrived, so that
/// members the model does not know survive.
fn output<T>(response: Response<T>) -> Result<String, Failure> {
    let mut out = Vec::with_capacity(response.raw_body().len() * 2);
    let mut from = serde_json::Deserializer::from_slice(response.raw_body());
    let mut to = serde_json::Serializer::pretty(&mut out);
    serde_transcode::transcode(&mut from, &mut to).map_err(|e| {
        Failure::Usage(format!(
            "HTTP {}: response is not JSON: {e}",
            response.status()
        ))
    })?;
    String::from_utf8(out).map_err(|e| Failure::Usage(e.to_string()))
}

/// The body from `--json-body`, or else from the field options given.
fn update_body(args: UpdateArgs) -> Result<UpdateContactRequest, Failure> {
    if let Some(source) = args.json_body {
        return json_body(&source);
    }
    let members = serde_json::to_value(&args.fields).map_err(|e| Failure::Usage(e.to_string()))?;
    body_from(members).map_err(Failure::Usage)
}

fn json_body(source: &str) -> Result<UpdateContactRequest, Failure> {
    let text = if source == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::Usage(format!("cannot read the body from stdin: {e}")))?;
        s
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| Failure::Usage(format!("cannot read {source}: {e}")))?
    };
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Usage(format!("{source}: not JSON: {e}")))?;
    body_from(value).map_err(|e| Failure::Usage(format!("{source}: {e}")))
}

/// The update body with exactly the members of `value`, which must be a JSON object: a member
/// the model does not know is refused rather than silently dropped, so what is sent is what was
/// written.
fn body_from(value: serde_json::Value) -> Result<UpdateContactRequest, String> {
    let Some(members) = value.as_object() else {
        return Err("the body must be a JSON object".to_string());
    };
    let names: Vec<String> = members.keys().cloned().collect();
    let body: UpdateContactRequest = serde_json::from_value(value).map_err(|e| e.to_string())?;
    let sent = serde_json::to_value(&body).map_err(|e| e.to_string())?;
    if let Some(unknown) = names.iter().find(|k| sent.get(k.as_str()).is_none()) {
        return Err(format!("`{unknown}` is not a field of the update body"));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_options_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_field_option_conflicts_with_a_json_body() {
        let cli = Cli::command();
        let update = cli.find_subcommand("update-contact").unwrap();
        let group = update
            .get_groups()
            .find(|g| g.get_id() == "fields")
            .unwrap();
        for id in group.get_args() {
            let arg = update.get_arguments().find(|a| a.get_id() == id).unwrap();
            let conflicts = update.get_arg_conflicts_with(arg);
            assert!(
                conflicts.iter().any(|c| c.get_id() == "json_body"),
                "--{id} does not conflict with --json-body"
            );
        }
    }

    #[test]
    fn every_field_option_is_a_field_of_the_body() {
        let fields = UpdateFields {
            role: Some("lead".into()),
            external_id: Some("e1".into()),
            email: Some("a@example.com".into()),
            phone: Some("+1 555".into()),
            name: Some("Joe".into()),
            avatar: Some("https://example.com/a.png".into()),
            signed_up_at: Some(1),
            last_seen_at: Some(2),
            owner_id: Some(3),
            unsubscribed_from_emails: Some(true),
        };
        let members = serde_json::to_value(&fields).unwrap();
        let body = body_from(members.clone()).unwrap();
        assert_eq!(serde_json::to_value(&body).unwrap(), members);
        assert_eq!(body.phone, Some(Some("+1 555".to_string())));
        assert_eq!(body.unsubscribed_from_emails, Some(Some(true)));
        assert_eq!(body.custom_attributes, None);
    }

    #[test]
    fn options_not_given_are_not_sent() {
        let cli = Cli::try_parse_from(["intercom", "update-contact", "--id", "c1", "--name", "J"])
            .unwrap();
        let Command::UpdateContact(args) = cli.command else {
            panic!("not update-contact: {:?}", cli.command)
        };
        let body = update_body(args).unwrap_or_else(|_| panic!("no body"));
        assert_eq!(
            body,
            UpdateContactRequest {
                name: Some(Some("J".into())),
                ..Default::default()
            }
        );
    }
}
