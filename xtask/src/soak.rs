//! `cargo xtask soak`: builds the `intercom-soak` binary (the `soak/` package, a workspace member
//! outside `default-members`, so nothing else builds it) and runs it, timing each step.
//!
//! The binary does the work and the checks (see `soak/src/main.rs`): calls with scripted faults
//! against a loopback server, each checked against its deadline, the outcome the script
//! predicts and the error type it should have; no `POST` repeated after a 5xx or a timeout;
//! resident memory flat; throughput beside a hand-written reqwest client. Its report goes to
//! stdout and its exit status decides this command's.

use std::process::Command;
use std::time::Instant;

use clap::Args;

use crate::paths::Paths;

/// The options of `soak`.
#[derive(Args, Debug, Clone, PartialEq, Eq)]
pub struct SoakArgs {
    /// Calls to make
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub calls: u64,
    /// Calls in flight at once
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub in_flight: u64,
    /// Seed of the fault script; the same seed plays the same faults on the same calls
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Build with the release profile: throughput as users see it, at the cost of a longer
    /// build (the default is the dev profile, with the workspace's optimised dependencies)
    #[arg(long)]
    pub release: bool,
}

/// Builds the soak binary, runs it with `args`, and fails when the build or any of its checks
/// does.
pub fn run(paths: &Paths, args: &SoakArgs) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let profile: &[&str] = if args.release { &["--release"] } else { &[] };
    let started = Instant::now();
    // `--locked`: the `cargo xtask` that runs this has already resolved the workspace, so the
    // lock file is current, and CI must not change it.
    let status = Command::new(&cargo)
        .args(["build", "--locked", "-p", "intercom-soak"])
        .args(profile)
        .current_dir(paths.root())
        .status()
        .map_err(|e| format!("error: cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err("error: cargo build -p intercom-soak failed".to_string());
    }
    let built = started.elapsed();
    eprintln!("built intercom-soak in {:.1} s", built.as_secs_f64());
    let ran = Instant::now();
    let status = Command::new(&cargo)
        .args(["run", "--quiet", "--locked", "-p", "intercom-soak"])
        .args(profile)
        .arg("--")
        .args(soak_arguments(args))
        .current_dir(paths.root())
        .status()
        .map_err(|e| format!("error: cannot run the soak: {e}"))?;
    eprintln!(
        "ran the soak in {:.1} s; build and run {:.1} s",
        ran.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    if status.success() {
        Ok(())
    } else {
        Err("error: the soak failed; its report and the failed checks are above".to_string())
    }
}

/// The soak binary's command line for `args`.
fn soak_arguments(args: &SoakArgs) -> Vec<String> {
    vec![
        "--calls".to_string(),
        args.calls.to_string(),
        "--in-flight".to_string(),
        args.in_flight.to_string(),
        "--seed".to_string(),
        args.seed.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_reach_the_binary() {
        let args = SoakArgs {
            calls: 10_000,
            in_flight: 8,
            seed: 3,
            release: false,
        };
        assert_eq!(
            soak_arguments(&args),
            ["--calls", "10000", "--in-flight", "8", "--seed", "3"]
        );
    }
}
