//! Developer commands for the workspace, run as `cargo xtask <command>`.

mod bench;
mod changelog;
mod corpus;
mod examples;
mod files;
mod generate;
mod manifest;
mod paths;
mod regen;
mod soak;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use intercom_generator::{
    AcceptList, Check, Options, SeverityOverrides, SpecSource, Surface, diff, generate,
};

use crate::generate::{GenerateArgs, build_generated, generate_crate};
use crate::paths::Paths;

/// Developer commands for the workspace.
#[derive(Parser, Debug)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    /// The command to run; without one, the help is printed.
    #[command(subcommand)]
    command: Option<Command>,
    /// The workspace to read and write (default: the one this xtask was built in); for
    /// running the commands on a copy, as the xtask tests do
    #[arg(long, global = true, value_name = "DIR")]
    workspace: Option<PathBuf>,
}

/// The commands.
#[derive(Subcommand, Debug)]
enum Command {
    /// Regenerate generated-client/src/generated.rs from spec/intercom-2.10.yaml
    ///
    /// Also prints what the change means for users of the crate, compared with the reviewed
    /// surface snapshot, and writes the changes since the last release (docs/released-surface.txt)
    /// into CHANGELOG.md's Unreleased section.
    Regen {
        /// Write nothing and fail with a diff if it is stale
        #[arg(long)]
        check: bool,
    },
    /// Write a standalone client crate for any OpenAPI 3.0 or 3.1 description
    ///
    /// Problems the generator works around are warnings (errors with --strict): an operation
    /// that cannot be generated is left out, names that collide in Rust get a numeric suffix.
    /// Overrides and overlays patch the spec first; diagnostics name the file each node came
    /// from. On error nothing is written.
    Generate(GenerateArgs),
    /// Report the change in the generated crate's public API between two specs
    ///
    /// Each change has a check id, a severity (breaking, additive or info), the Rust item, the
    /// operations that reach it and where it is in both specs. Markdown by default.
    DiffApi(DiffApiArgs),
    /// Generate a crate from Intercom's published spec and from each fixture, and compile each
    ///
    /// The published spec is in ../shared/upstream, the fixtures in tests/fixtures/constructs
    /// and tests/fixtures/per_operation; the crates go under target/generated/ and compile with
    /// warnings denied.
    BuildGenerated,
    /// Run the benchmarks of benches/ (decoding, requests over loopback, generation)
    ///
    /// Also measures intercom-client's compile time and dependency count; prints each figure
    /// beside its baseline as a Markdown table.
    Bench {
        /// Print one JSON object instead (cargo's and the benches' own output goes to stderr)
        #[arg(long)]
        json: bool,
    },
    /// Generate and compile a crate for each description of the real-world corpus
    ///
    /// The corpus (tests/corpus/corpus.yaml) is an npm package, fetched once into target/corpus/
    /// and checked against its checksums. Prints a table: operations, warnings, dropped
    /// operations, generation and compile time. Fails on a panic, an error without a position or
    /// a crate that does not compile.
    Corpus {
        /// Only the subset CI runs
        #[arg(long)]
        ci: bool,
        /// Only these descriptions, by name
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
        /// Generate without compiling
        #[arg(long)]
        no_compile: bool,
    },
    /// Run every example of intercom-client against the intercom-mock server
    ///
    /// Builds intercom-mock and the examples (generated-client/examples/, each found there, with
    /// the features it requires), starts the server on a free loopback port and runs each example
    /// with INTERCOM_BASE_URL pointing at it and INTERCOM_API_KEY set, then stops the server.
    /// Fails naming each example that exited with an error or ran too long.
    Examples,
    /// Soak the client: many calls under load against a loopback server with scripted faults
    ///
    /// Builds and runs the intercom-soak binary (soak/, outside the default members). 64 calls
    /// in flight, mostly GETs and some POSTs; per request 10 % 429 with rate-limit headers, 5 %
    /// 503, 1 % connection reset, 1 % slower than the timeout, drawn from the seed. Fails when
    /// a call misses its deadline or ends otherwise than the faults and the retry policy
    /// predict, when a POST is sent again after a 5xx or a timeout, or when resident memory
    /// grows more than 10 % after the first tenth of the calls (at least 5,000). Prints the
    /// figures and the throughput beside a hand-written reqwest client.
    Soak(soak::SoakArgs),
}

/// The options of `diff-api`.
#[derive(Args, Debug)]
#[command(after_long_help = check_list())]
struct DiffApiArgs {
    /// The spec before the change
    #[arg(value_name = "OLD.yaml")]
    old: PathBuf,
    /// The spec after the change
    #[arg(value_name = "NEW.yaml")]
    new: PathBuf,
    /// How to print the report
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// A JSON or YAML mapping from check id to severity (breaking, additive, info), overriding
    /// the defaults
    #[arg(long, value_name = "FILE")]
    severity: Option<PathBuf>,
    /// A JSON or YAML list of `{check, item}` objects naming changes to accept, spelled as in the
    /// JSON report; `--fail-on-breaking` passes for them
    #[arg(long, value_name = "FILE")]
    accept: Option<PathBuf>,
    /// Exit 1 when any breaking change is not accepted
    #[arg(long)]
    fail_on_breaking: bool,
}

/// The report's formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// One line per change, for people
    Markdown,
    /// One object with every change and all its fields, for tools
    Json,
}

/// The check ids with their default severities, for `diff-api --help`.
fn check_list() -> String {
    let mut out = String::from("Checks (id, default severity):\n");
    for c in Check::ALL {
        out.push_str(&format!(
            "  {:<36} {:<9} {}\n",
            c.id(),
            c.default_impact(),
            c.summary()
        ));
    }
    out
}

/// Generation allocates and frees many small syntax-tree nodes; mimalloc takes about a quarter
/// off `generate` on large descriptions compared with the system allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs the command given; an error goes to stderr with a failing exit status.
fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let paths = match &cli.workspace {
        Some(root) => Paths::at(root),
        None => Paths::workspace(),
    };
    let result = match cli.command {
        Some(Command::Regen { check }) => regen::regen(&paths, check),
        Some(Command::Generate(args)) => generate_crate(&args),
        Some(Command::DiffApi(args)) => diff_api(&args),
        Some(Command::BuildGenerated) => build_generated(&paths),
        Some(Command::Bench { json }) => bench::run(json, &paths),
        Some(Command::Corpus {
            ci,
            only,
            no_compile,
        }) => corpus::run(
            &paths,
            &corpus::Selection {
                ci,
                only,
                no_compile,
            },
        ),
        Some(Command::Examples) => examples::run(&paths),
        Some(Command::Soak(args)) => soak::run(&paths, &args),
        None => Cli::command()
            .print_long_help()
            .map_err(|e| format!("error: cannot print the help: {e}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a command line that did not parse (or the help or version it asked for) and returns
/// the exit status: failure for an error, success for help and version. An unknown command is
/// named as such, followed by the help.
fn usage_error(e: &clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if e.kind() == ErrorKind::InvalidSubcommand
        && let Some(ContextValue::String(name)) = e.get(ContextKind::InvalidSubcommand)
    {
        let hint = match e.get(ContextKind::SuggestedSubcommand) {
            Some(ContextValue::String(s)) => format!(" (did you mean `{s}`?)"),
            Some(ContextValue::Strings(s)) if !s.is_empty() => {
                format!(" (did you mean `{}`?)", s.join("` or `"))
            }
            _ => String::new(),
        };
        eprintln!(
            "error: unknown command `{name}`{hint}\n\n{}",
            Cli::command().render_help()
        );
    } else {
        let _ = e.print();
    }
    ExitCode::FAILURE
}

/// Reads the spec `name` and the files its references reach, each named relative to `root`
/// (as diagnostics name them).
pub(crate) fn read_spec(root: &Path, name: &str) -> Result<SpecSource, String> {
    SpecSource::read(name, |file| {
        std::fs::read_to_string(root.join(file)).map_err(|e| e.to_string())
    })
    .map_err(|e| format!("error: {e}"))
}

/// `diff-api`: prints the report of the API change between the crates generated from two
/// specs, with the team's severities and accepted changes applied; fails when a surface defines
/// a name twice and, with `fail_on_breaking`, when a breaking change is not accepted.
fn diff_api(args: &DiffApiArgs) -> Result<(), String> {
    let read = |path: &Path| -> Result<String, String> {
        std::fs::read_to_string(path)
            .map_err(|e| format!("error: cannot read {}: {e}", path.display()))
    };
    let surface = |path: &Path| -> Result<Surface, String> {
        let out = generate(
            &read_spec(Path::new(""), &path.display().to_string())?,
            &Options::default(),
        )
        .map_err(|e| e.to_string())?;
        Ok(out.surface)
    };
    let severity = match &args.severity {
        Some(path) => SeverityOverrides::parse(&read(path)?)
            .map_err(|e| format!("error: {}: {e}", path.display()))?,
        None => SeverityOverrides::default(),
    };
    let accept = match &args.accept {
        Some(path) => AcceptList::parse(&read(path)?)
            .map_err(|e| format!("error: {}: {e}", path.display()))?,
        None => AcceptList::default(),
    };
    let mut report = diff(&surface(&args.old)?, &surface(&args.new)?);
    report.override_severities(&severity);
    for unused in report.accept(&accept) {
        eprintln!(
            "warning: accepted change `{}` of `{}` is not in the report",
            unused.check, unused.item
        );
    }
    match args.format {
        Format::Markdown => print!("{}", report.to_markdown()),
        Format::Json => {
            let text = serde_json::to_string_pretty(&report.to_json())
                .map_err(|e| format!("error: cannot write the report as JSON: {e}"))?;
            println!("{text}");
        }
    }
    if !report.errors.is_empty() {
        return Err(format!(
            "error: the report has {} error(s): {}",
            report.errors.len(),
            report.errors.join("; ")
        ));
    }
    let failing = report.unaccepted_breaking();
    if args.fail_on_breaking && failing > 0 {
        return Err(format!("error: {failing} breaking change(s) not accepted"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn an_unknown_command_is_an_error() {
        let err = Cli::try_parse_from(["cargo xtask", "frobnicate"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidSubcommand);
        assert_eq!(usage_error(&err), ExitCode::FAILURE);
    }

    #[test]
    fn generate_takes_its_options() {
        let cli = Cli::try_parse_from([
            "cargo xtask",
            "generate",
            "--spec",
            "a.yaml",
            "--out",
            "out/dir",
            "--strict",
        ])
        .unwrap();
        let Some(Command::Generate(args)) = cli.command else {
            panic!("not generate: {cli:?}")
        };
        assert_eq!(args.spec, Path::new("a.yaml"));
        assert_eq!(args.out, Path::new("out/dir"));
        assert_eq!(args.name, None);
        assert!(args.strict);
        assert!(args.overlay.is_empty() && args.overrides.is_empty());
        assert!(Cli::try_parse_from(["cargo xtask", "generate", "--spec", "a.yaml"]).is_err());
    }

    #[test]
    fn generate_takes_overlays_and_overrides_in_order() {
        let cli = Cli::try_parse_from([
            "cargo xtask",
            "generate",
            "--spec",
            "a.yaml",
            "--out",
            "out",
            "--overlay",
            "one.yaml",
            "--overrides",
            "fern.yml",
            "--overlay",
            "two.json",
        ])
        .unwrap();
        let Some(Command::Generate(args)) = cli.command else {
            panic!("not generate: {cli:?}")
        };
        assert_eq!(args.overlay, [Path::new("one.yaml"), Path::new("two.json")]);
        assert_eq!(args.overrides, [Path::new("fern.yml")]);
    }

    #[test]
    fn examples_takes_no_arguments() {
        let cli = Cli::try_parse_from(["cargo xtask", "examples"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Examples)));
        assert!(Cli::try_parse_from(["cargo xtask", "examples", "walk_contacts"]).is_err());
    }

    #[test]
    fn soak_takes_a_call_count_and_defaults_to_100_000() {
        let cli = Cli::try_parse_from(["cargo xtask", "soak", "--calls", "10000"]).unwrap();
        let Some(Command::Soak(args)) = cli.command else {
            panic!("not soak: {cli:?}")
        };
        assert_eq!((args.calls, args.in_flight, args.seed), (10_000, 64, 1));
        assert!(!args.release);
        let cli = Cli::try_parse_from(["cargo xtask", "soak", "--release"]).unwrap();
        let Some(Command::Soak(args)) = cli.command else {
            panic!("not soak: {cli:?}")
        };
        assert_eq!(args.calls, 100_000);
        assert!(args.release);
        assert!(Cli::try_parse_from(["cargo xtask", "soak", "--calls", "many"]).is_err());
    }

    #[test]
    fn diff_api_needs_two_specs() {
        assert!(Cli::try_parse_from(["cargo xtask", "diff-api", "a.yaml"]).is_err());
        let cli = Cli::try_parse_from([
            "cargo xtask",
            "diff-api",
            "a.yaml",
            "b.yaml",
            "--fail-on-breaking",
        ])
        .unwrap();
        let Some(Command::DiffApi(args)) = cli.command else {
            panic!("not diff-api: {cli:?}")
        };
        assert!(args.fail_on_breaking);
        assert_eq!(args.format, Format::Markdown);
        assert_eq!((args.severity, args.accept), (None, None));
    }

    #[test]
    fn diff_api_takes_a_format_a_severity_file_and_an_accept_list() {
        let cli = Cli::try_parse_from([
            "cargo xtask",
            "diff-api",
            "a.yaml",
            "b.yaml",
            "--format",
            "json",
            "--severity",
            "severity.yaml",
            "--accept",
            "accept.yaml",
        ])
        .unwrap();
        let Some(Command::DiffApi(args)) = cli.command else {
            panic!("not diff-api: {cli:?}")
        };
        assert_eq!(args.format, Format::Json);
        assert_eq!(args.severity.as_deref(), Some(Path::new("severity.yaml")));
        assert_eq!(args.accept.as_deref(), Some(Path::new("accept.yaml")));
        assert!(!args.fail_on_breaking);
        assert!(
            Cli::try_parse_from(["cargo xtask", "diff-api", "a", "b", "--format", "xml"]).is_err()
        );
        assert!(check_list().contains("parameter-renamed"));
    }
}
