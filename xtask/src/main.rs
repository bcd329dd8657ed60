//! Developer commands for the workspace, run as `cargo xtask <command>`.

mod bench;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use intercom_generator::{Options, SpecSource, Surface, crate_files, diff, generate};

const SPEC: &str = "spec/intercom-2.10.yaml";
const GENERATED: &str = "generated-client/src/generated.rs";
/// The reviewed API surface: the snapshot the surface test compares against.
const SURFACE: &str = "tests/tests/snapshots/surface__surface.snap";

const USAGE: &str = "usage: cargo xtask <command>

commands:
  regen [--check]   regenerate generated-client/src/generated.rs from spec/intercom-2.10.yaml;
                    with --check, write nothing and fail with a diff if it is stale
  generate --spec PATH --out DIR [--name CRATE] [--strict]
                    write a standalone client crate for any OpenAPI 3.0 spec; problems the
                    generator works around are warnings (errors with --strict); on error
                    nothing is written
  diff-api OLD.yaml NEW.yaml [--fail-on-breaking]
                    print a Markdown report of the change in the generated crate's public API,
                    each item marked breaking or additive; --fail-on-breaking exits 1 when any
                    change is breaking
  build-generated   generate a crate from Intercom's published spec (../shared/upstream) and from
                    each fixture in tests/fixtures/constructs, under target/generated/, and
                    compile each with warnings denied
  bench [--json]    run the benchmarks of benches/ (decoding, requests over loopback, generation)
                    and measure intercom-client's compile time and dependency count; prints each
                    figure beside its baseline as a Markdown table, or with --json one JSON object
                    (cargo's and the benches' own output goes to stderr)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen(&args[1..]),
        Some("generate") => generate_crate(&args[1..]),
        Some("build-generated") => build_generated(),
        Some("diff-api") => diff_api(&args[1..]),
        Some("bench") => bench::run(&args[1..], &workspace_root(), USAGE),
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
    let reviewed = std::fs::read_to_string(root.join(SURFACE)).unwrap_or_default();
    let report = diff(&Surface::parse(&reviewed), &generated.surface);
    eprintln!("API change against {SURFACE}:\n{}", report.to_markdown());
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

fn generate_crate(args: &[String]) -> Result<(), String> {
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut strict = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("generate: {flag} needs a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--spec" => spec = Some(value("--spec")?),
            "--out" => out = Some(value("--out")?),
            "--name" => name = Some(value("--name")?),
            "--strict" => strict = true,
            other => return Err(format!("generate: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let spec = spec.ok_or_else(|| format!("generate: --spec is required\n\n{USAGE}"))?;
    let out = PathBuf::from(out.ok_or_else(|| format!("generate: --out is required\n\n{USAGE}"))?);
    let name = match name {
        Some(n) => n,
        None => crate_name_for(&out),
    };
    let text =
        std::fs::read_to_string(&spec).map_err(|e| format!("error: cannot read {spec}: {e}"))?;
    let started = std::time::Instant::now();
    let options = Options {
        strict,
        command: "cargo xtask generate".to_string(),
    };
    let generated = generate(&SpecSource::new(spec.clone(), text), &options)
        .map_err(|e| format!("{e}\nerror: generation failed; nothing was written"))?;
    let elapsed = started.elapsed();
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    let files = crate_files(&name, &generated);
    for (rel, contents) in &files {
        write_atomically(&out.join(rel), contents)
            .map_err(|e| format!("error: cannot write {}: {e}", out.join(rel).display()))?;
    }
    let ops = generated
        .surface
        .items
        .keys()
        .filter(|k| k.starts_with("op "))
        .count();
    eprintln!(
        "wrote crate `{name}` to {} ({ops} operations, {} warnings, generated in {} ms)",
        out.display(),
        generated.warnings.len(),
        elapsed.as_millis()
    );
    Ok(())
}

fn diff_api(args: &[String]) -> Result<(), String> {
    let mut fail_on_breaking = false;
    let mut specs = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--fail-on-breaking" => fail_on_breaking = true,
            flag if flag.starts_with("--") => {
                return Err(format!("diff-api: unknown argument `{flag}`\n\n{USAGE}"));
            }
            path => specs.push(path.to_string()),
        }
    }
    let [old, new] = specs.as_slice() else {
        return Err(format!("diff-api: needs OLD.yaml and NEW.yaml\n\n{USAGE}"));
    };
    let surface = |path: &str| -> Result<Surface, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("error: cannot read {path}: {e}"))?;
        let out = generate(&SpecSource::new(path, text), &Options::default())
            .map_err(|e| e.to_string())?;
        Ok(out.surface)
    };
    let report = diff(&surface(old)?, &surface(new)?);
    print!("{}", report.to_markdown());
    if fail_on_breaking && report.breaking() > 0 {
        return Err(format!("error: {} breaking change(s)", report.breaking()));
    }
    Ok(())
}

fn build_generated() -> Result<(), String> {
    let root = workspace_root();
    let mut specs = vec![root.join("../shared/upstream/intercom-openapi-2.10.yaml")];
    let fixtures = root.join("tests/fixtures/constructs");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .map_err(|e| format!("error: cannot list {}: {e}", fixtures.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    entries.sort();
    specs.extend(entries);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    for spec in specs {
        let stem = spec
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("spec")
            .replace('.', "-");
        let out = root.join("target/generated").join(&stem);
        generate_crate(&[
            "--spec".into(),
            spec.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--name".into(),
            crate_name_for(Path::new(&stem)),
        ])?;
        // The workspace's lock file pins the same dependency versions, so the build reuses the
        // workspace's compiled dependencies.
        std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
            .map_err(|e| format!("error: cannot copy Cargo.lock: {e}"))?;
        let started = std::time::Instant::now();
        let status = std::process::Command::new(&cargo)
            .args(["rustc", "--quiet", "--lib", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", root.join("target"))
            .status()
            .map_err(|e| format!("error: cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!(
                "error: the crate generated from {} does not compile",
                spec.display()
            ));
        }
        eprintln!(
            "compiled {stem} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// A crate name from the output folder's name.
fn crate_name_for(out: &Path) -> String {
    let base = out
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("api-client");
    let name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("api-{name}")
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
