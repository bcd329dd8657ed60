//! `intercom`: the Intercom contacts API from a shell, on top of `intercom-client`.

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use intercom_client::types::UpdateContactRequest;
use intercom_client::{AttemptEvent, Client, Region, Response};

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
    /// Print each attempt (method, URL, status, time) on stderr; the token is never printed.
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
}

#[derive(Args, Debug)]
struct UpdateArgs {
    /// The contact's id.
    #[arg(long)]
    id: String,
    /// New role: user or lead.
    #[arg(long)]
    role: Option<String>,
    /// New external id.
    #[arg(long)]
    external_id: Option<String>,
    /// New email.
    #[arg(long)]
    email: Option<String>,
    /// New phone number.
    #[arg(long)]
    phone: Option<String>,
    /// New name.
    #[arg(long)]
    name: Option<String>,
    /// New avatar image URL.
    #[arg(long)]
    avatar: Option<String>,
    /// Sign-up time (UNIX seconds).
    #[arg(long)]
    signed_up_at: Option<i64>,
    /// Last-seen time (UNIX seconds).
    #[arg(long)]
    last_seen_at: Option<i64>,
    /// Id of the admin who owns the contact.
    #[arg(long)]
    owner_id: Option<i64>,
    /// Whether the contact is unsubscribed from emails.
    #[arg(long)]
    unsubscribed_from_emails: Option<bool>,
    /// Send this JSON object (a file, or - for stdin) as the body, member for member;
    /// `{"phone": null}` clears the phone. Not combinable with the field options.
    #[arg(
        long,
        value_name = "FILE|-",
        conflicts_with_all = [
            "role", "external_id", "email", "phone", "name", "avatar", "signed_up_at",
            "last_seen_at", "owner_id", "unsubscribed_from_emails",
        ]
    )]
    json_body: Option<String>,
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
    }
}

enum Failure {
    Usage(String),
    Call(intercom_client::Error),
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
    let mut builder = Client::builder().region(cli.region);
    if let Some(token) = cli.token.filter(|t| !t.is_empty()) {
        builder = builder.token(token);
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
    if cli.verbose {
        builder = builder.on_attempt(print_attempt);
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
    }
}

fn print_attempt(event: &AttemptEvent<'_>) {
    match event {
        AttemptEvent::Sending {
            attempt,
            method,
            url,
        } => {
            eprintln!("> {method} {url} (attempt {attempt})");
        }
        AttemptEvent::Finished {
            status,
            error,
            elapsed,
            ..
        } => match (status, error) {
            (Some(s), _) => eprintln!("< {s} in {} ms", elapsed.as_millis()),
            (None, Some(e)) => eprintln!("< failed after {} ms: {e}", elapsed.as_millis()),
            (None, None) => eprintln!("< no response after {} ms", elapsed.as_millis()),
        },
        AttemptEvent::Waiting {
            next_attempt,
            delay,
        } => {
            eprintln!(
                "  waiting {:.1} s before attempt {next_attempt}",
                delay.as_secs_f64()
            );
        }
        _ => {}
    }
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

fn update_body(args: UpdateArgs) -> Result<UpdateContactRequest, Failure> {
    if let Some(source) = args.json_body {
        return json_body(&source);
    }
    let set = |v: Option<String>| v.map(Some);
    let body = UpdateContactRequest {
        role: args.role,
        external_id: args.external_id,
        email: args.email,
        phone: set(args.phone),
        name: set(args.name),
        avatar: set(args.avatar),
        signed_up_at: args.signed_up_at.map(Some),
        last_seen_at: args.last_seen_at.map(Some),
        owner_id: args.owner_id.map(Some),
        unsubscribed_from_emails: args.unsubscribed_from_emails.map(Some),
        custom_attributes: None,
    };
    Ok(body)
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
    let Some(members) = value.as_object() else {
        return Err(Failure::Usage(format!(
            "{source}: the body must be a JSON object"
        )));
    };
    let body: UpdateContactRequest = serde_json::from_value(value.clone())
        .map_err(|e| Failure::Usage(format!("{source}: {e}")))?;
    // Refuse members the model would silently drop, so what is sent is what was written.
    let sent = serde_json::to_value(&body).map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some(unknown) = members.keys().find(|k| sent.get(k.as_str()).is_none()) {
        return Err(Failure::Usage(format!(
            "{source}: `{unknown}` is not a field of the update body"
        )));
    }
    Ok(body)
}
