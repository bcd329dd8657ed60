//! Developer commands for the workspace, run as `cargo xtask <command>`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use intercom_generator::{Options, SpecSource, generate};

const SPEC: &str = "spec/intercom-2.10.yaml";
const GENERATED: &str = "generated-client/src/generated.rs";

const USAGE: &str = "usage: cargo xtask <command>

commands:
  regen [--check]   regenerate generated-client/src/generated.rs from spec/intercom-2.10.yaml;
                    with --check, write nothing and fail with a diff if it is stale";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn regen(args: &[String]) -> Result<(), String> {
    let mut check = false;
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            other => return Err(format!("regen: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let root = workspace_root();
    let text = std::fs::read_to_string(root.join(SPEC))
        .map_err(|e| format!("error: cannot read {SPEC}: {e}"))?;
    let source = SpecSource::new(SPEC, text);
    let generated = generate(&source, &Options::default())
        .map_err(|e| format!("{e}\nerror: generation failed; no file was changed"))?;
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    let mode = if check { Mode::Check } else { Mode::Write };
    let stale = ensure_file_contents(&root, GENERATED, &generated.source, mode)?;
    match (mode, stale) {
        (Mode::Check, true) => Err(format!(
            "error: {GENERATED} is stale; run `cargo xtask regen` and commit the result"
        )),
        (Mode::Check, false) => {
            eprintln!("{GENERATED} is up to date");
            Ok(())
        }
        (Mode::Write, true) => {
            eprintln!("wrote {GENERATED}");
            Ok(())
        }
        (Mode::Write, false) => {
            eprintln!("{GENERATED} unchanged");
            Ok(())
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
}

/// Makes `rel` hold `contents`. In check mode it writes nothing and prints a unified diff of
/// what would change. Returns whether the file differed. Writes go to a temporary file in the
/// same folder, renamed over the target, so a failure leaves the old file intact.
fn ensure_file_contents(
    root: &Path,
    rel: &str,
    contents: &str,
    mode: Mode,
) -> Result<bool, String> {
    let path = root.join(rel);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old == contents {
        return Ok(false);
    }
    match mode {
        Mode::Check => {
            let diff = similar::TextDiff::from_lines(&old, contents);
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
            );
        }
        Mode::Write => write_atomically(&path, contents)
            .map_err(|e| format!("error: cannot write {rel}: {e}"))?,
    }
    Ok(true)
}

fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
