//! `intercom-mock`: the Intercom API 2.10 played from the spec on `127.0.0.1`, for testing a
//! client written in any language. Every operation answers with its example from the spec (the
//! path parameters copied in); requests are validated as Prism does (404, 405, 401, 400 in
//! Intercom's error shape). Any well-formed bearer token is accepted.
//!
//! `intercom-mock --port 0` picks a free port and prints `listening on http://127.0.0.1:PORT`.
#![warn(missing_docs)]

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use intercom_client::mock::MockServer;

/// Serves the Intercom API from its spec on 127.0.0.1 until stopped.
#[derive(Debug, Parser)]
#[command(name = "intercom-mock", version)]
struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 4010)]
    port: u16,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let server = match MockServer::start_on(args.port).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "listening on {}", server.base_url())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);
    server.run_forever().await;
    ExitCode::SUCCESS
}
