//! `cargo xtask generate` (a standalone client crate for any spec, optionally patched by
//! overrides and overlays) and `cargo xtask build-generated` (such crates from the published
//! spec and the fixtures, compiled with warnings denied).

use std::path::{Path, PathBuf};

use clap::Args;
use intercom_generator::{Options, Patch, SpecSource, crate_files, generate_patched};

use crate::files::replace_dir;
use crate::paths::Paths;

/// The options of `generate`.
#[derive(Args, Debug)]
pub(crate) struct GenerateArgs {
    /// The OpenAPI 3.0 spec, YAML or JSON
    #[arg(long, value_name = "PATH")]
    pub spec: PathBuf,
    /// The folder to write the crate to; replaced as a whole
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The crate's name (default: from the output folder's name)
    #[arg(long, value_name = "CRATE")]
    pub name: Option<String>,
    /// Make every problem the generator works around an error
    #[arg(long)]
    pub strict: bool,
    /// Put each operation behind a Cargo feature named after its tag and each type behind the
    /// features of the operations that use it, with a default `full` feature enabling all
    #[arg(long)]
    pub features_per_tag: bool,
    /// An OpenAPI Overlay 1.0 document (YAML or JSON) to apply to the spec first; repeatable,
    /// applied in order, after any --overrides
    ///
    /// Each action's JSONPath (RFC 9535) target selects nodes: `update` merges into a mapping
    /// (mappings merge, other values replace) or appends to a list, `remove: true` removes
    /// them. A target that selects nothing is a warning (an error with --strict).
    #[arg(long, value_name = "FILE")]
    pub overlay: Vec<PathBuf>,
    /// An overrides file (YAML or JSON) deep-merged into the spec first, as Fern's
    /// openapi-overrides.yml; repeatable, applied in order, before any --overlay
    ///
    /// Mappings merge recursively, any other value (lists too) replaces, and `null` removes the
    /// key.
    #[arg(long, value_name = "FILE")]
    pub overrides: Vec<PathBuf>,
}

/// `generate`: writes a standalone client crate for `args.spec` to `args.out`, replacing the
/// folder as a whole; on error nothing is written.
pub(crate) fn generate_crate(args: &GenerateArgs) -> Result<(), String> {
    let spec = args.spec.display().to_string();
    let out = &args.out;
    let name = match &args.name {
        Some(n) => n.clone(),
        None => crate_name_for(out),
    };
    let source = crate::read_spec(Path::new(""), &spec)?;
    let started = std::time::Instant::now();
    let options = Options {
        strict: args.strict,
        command: "cargo xtask generate".to_string(),
        features_per_tag: args.features_per_tag,
    };
    let mut patches = Vec::new();
    for (path, make) in args
        .overrides
        .iter()
        .map(|p| (p, Patch::overrides as fn(SpecSource) -> Patch))
        .chain(
            args.overlay
                .iter()
                .map(|p| (p, Patch::overlay as fn(SpecSource) -> Patch)),
        )
    {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
        patches.push(make(SpecSource::new(path.display().to_string(), text)));
    }
    let generated = generate_patched(&source, &patches, &options)
        .map_err(|e| format!("{e}\nerror: generation failed; nothing was written"))?;
    let elapsed = started.elapsed();
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    let files = crate_files(&name, &generated);
    replace_dir(out, &files).map_err(|e| format!("error: {e}; nothing was written"))?;
    let ops = generated
        .surface
        .items
        .keys()
        .filter(|k| matches!(k.kind(), intercom_generator::KeyKind::Operation(_)))
        .count();
    eprintln!(
        "wrote crate `{name}` to {} ({ops} operations, {} warnings, generated in {} ms)",
        out.display(),
        generated.warnings.len(),
        elapsed.as_millis()
    );
    eprintln!("where the time went: {}", generated.timings);
    Ok(())
}

/// `build-generated`: generates a crate from Intercom's published spec, from each
/// one-construct fixture spec and from each fixture with an operation that is left out, and
/// compiles each with warnings denied.
pub(crate) fn build_generated(paths: &Paths) -> Result<(), String> {
    let mut specs = vec![(String::new(), paths.upstream_spec())];
    for (prefix, folder) in [
        ("", paths.fixtures()),
        ("per-operation-", paths.per_operation_fixtures()),
    ] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| format!("error: cannot list {}: {e}", folder.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        entries.sort();
        specs.extend(entries.into_iter().map(|p| (prefix.to_string(), p)));
    }
    for (prefix, spec) in specs {
        let stem = format!(
            "{prefix}{}",
            spec.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("spec")
                .replace('.', "-")
        );
        let out = paths.generated_crates().join(&stem);
        generate_crate(&GenerateArgs {
            spec: spec.clone(),
            out: out.clone(),
            name: Some(crate_name_for(Path::new(&stem))),
            strict: false,
            features_per_tag: false,
            overlay: Vec::new(),
            overrides: Vec::new(),
        })?;
        // The published spec's crate is compiled with its mock server too; the fixtures' with
        // default features only, to keep the run short.
        let feature_sets: &[&[&str]] = if spec == paths.upstream_spec() {
            &[&[], &["--features", "mock"]]
        } else {
            &[&[]]
        };
        for features in feature_sets {
            let elapsed = compile_crate(paths, &out, features)
                .map_err(|e| format!("{e} (generated from {})", spec.display()))?;
            let label = if features.is_empty() {
                String::new()
            } else {
                format!(" ({})", features.join(" "))
            };
            eprintln!("compiled {stem}{label} in {:.1} s", elapsed.as_secs_f64());
        }
        let elapsed = run_wire_test(paths, &out)
            .map_err(|e| format!("{e} (generated from {})", spec.display()))?;
        eprintln!(
            "wire test of {stem} passed in {:.1} s",
            elapsed.as_secs_f64()
        );
    }
    // Intercom's 2.14 with the override file Intercom generates its own SDKs from, as a user
    // would run `generate --overrides`: a description as vendors patch them, with a reference
    // written without the `/` after `#` and `null` members that remove what they replace.
    let stem = "intercom-openapi-2-14-overrides";
    let out = paths.generated_crates().join(stem);
    generate_crate(&GenerateArgs {
        spec: paths.upstream_file(Paths::UPSTREAM_2_14),
        out: out.clone(),
        name: Some(stem.to_string()),
        strict: false,
        features_per_tag: false,
        overlay: Vec::new(),
        overrides: vec![paths.upstream_file(Paths::UPSTREAM_OVERRIDES)],
    })?;
    let elapsed = compile_crate(paths, &out, &[])?;
    eprintln!("compiled {stem} in {:.1} s", elapsed.as_secs_f64());
    let elapsed = run_wire_test(paths, &out)?;
    eprintln!(
        "wire test of {stem} passed in {:.1} s",
        elapsed.as_secs_f64()
    );
    // The published spec with a feature per tag: whole, and one tag alone, which must leave
    // nothing dangling.
    let stem = "intercom-openapi-2-10-per-tag";
    let out = paths.generated_crates().join(stem);
    generate_crate(&GenerateArgs {
        spec: paths.upstream_spec(),
        out: out.clone(),
        name: Some(stem.to_string()),
        strict: false,
        features_per_tag: true,
        overlay: Vec::new(),
        overrides: Vec::new(),
    })?;
    for features in [
        &[][..],
        &["--no-default-features", "--features", "contacts"][..],
        // The builders of one resource's types only, and the defaults they call.
        &["--no-default-features", "--features", "contacts builders"][..],
    ] {
        let elapsed = compile_crate(paths, &out, features)?;
        eprintln!(
            "compiled {stem} {} in {:.1} s",
            features.join(" "),
            elapsed.as_secs_f64()
        );
    }
    Ok(())
}

/// Runs the wire test written with the crate in `out` (`tests/wire.rs`: every operation against
/// a local recording server) in the workspace's target folder, and returns how long it took.
fn run_wire_test(paths: &Paths, out: &Path) -> Result<std::time::Duration, String> {
    let started = std::time::Instant::now();
    // `test-util` gives request bodies `Deserialize`: the test reads each one from JSON.
    let args = ["--quiet", "--features", "test-util", "--test", "wire"];
    if cargo_on(paths, out, "test", &args)? {
        Ok(started.elapsed())
    } else {
        Err(format!(
            "error: the wire test of the crate generated in {} fails",
            out.display()
        ))
    }
}

/// Runs `cargo <command> --manifest-path <out>/Cargo.toml <args>` in the workspace's target
/// folder, where the generated crate's dependencies are already built; whether it succeeded.
fn cargo_on(paths: &Paths, out: &Path, command: &str, args: &[&str]) -> Result<bool, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    std::process::Command::new(&cargo)
        .arg(command)
        .arg("--manifest-path")
        .arg(out.join("Cargo.toml"))
        .args(args)
        .env("CARGO_TARGET_DIR", paths.target())
        .status()
        .map(|status| status.success())
        .map_err(|e| format!("error: cannot run cargo: {e}"))
}

/// Makes cargo rebuild the vendored runtime and contract when their sources differ from those
/// it last built for a generated crate.
///
/// Every generated crate vendors them at the same place relative to its own root, so cargo gives
/// all their builds one fingerprint in the shared target folder, and that fingerprint lists the
/// files of whichever crate built it first (paths under the target folder are recorded relative
/// to it). A runtime changed since would go unnoticed. The hash of the sources last built is kept
/// beside the target folder's builds, and a different one removes those builds.
fn forget_stale_runtime(paths: &Paths, out: &Path) -> Result<(), String> {
    use sha2::{Digest, Sha256};
    let mut files = Vec::new();
    for krate in ["contract", "runtime"] {
        if !out.join(krate).is_dir() {
            continue;
        }
        list_files(&out.join(krate), &mut files)
            .map_err(|e| format!("error: cannot list {}: {e}", out.join(krate).display()))?;
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in &files {
        let text = std::fs::read(file)
            .map_err(|e| format!("error: cannot read {}: {e}", file.display()))?;
        hasher.update(
            file.strip_prefix(out)
                .unwrap_or(file)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update([0]);
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(&text);
    }
    let hash = hex::encode(hasher.finalize());
    let stamp = paths.target().join("generated-runtime.sha256");
    if std::fs::read_to_string(&stamp).is_ok_and(|h| h == hash) {
        return Ok(());
    }
    let args = [
        "--quiet",
        "-p",
        "intercom-runtime",
        "-p",
        "intercom-contract",
    ];
    if !cargo_on(paths, out, "clean", &args)? {
        return Err("error: cannot remove the builds of an older runtime".to_string());
    }
    std::fs::write(&stamp, hash)
        .map_err(|e| format!("error: cannot write {}: {e}", stamp.display()))
}

/// Every file under `dir`, recursively.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            list_files(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Compiles the crate written to `out` as a library with warnings denied, in the workspace's
/// target folder, with `features` (cargo's feature arguments), and returns how long it took.
pub(crate) fn compile_crate(
    paths: &Paths,
    out: &Path,
    features: &[&str],
) -> Result<std::time::Duration, String> {
    // The workspace's lock file pins the same dependency versions, so the build reuses the
    // workspace's compiled dependencies.
    std::fs::copy(paths.lock_file(), out.join(Paths::LOCK_FILE))
        .map_err(|e| format!("error: cannot copy {}: {e}", Paths::LOCK_FILE))?;
    forget_stale_runtime(paths, out)?;
    let started = std::time::Instant::now();
    let args: Vec<&str> = ["--quiet", "--lib"]
        .into_iter()
        .chain(features.iter().copied())
        .chain(["--", "-D", "warnings"])
        .collect();
    if cargo_on(paths, out, "rustc", &args)? {
        Ok(started.elapsed())
    } else {
        Err(format!(
            "error: the crate generated in {} does not compile{}",
            out.display(),
            if features.is_empty() {
                String::new()
            } else {
                format!(" with {}", features.join(" "))
            }
        ))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_the_folder() {
        assert_eq!(crate_name_for(Path::new("x/My_API")), "my-api");
        assert_eq!(crate_name_for(Path::new("2fa")), "api-2fa");
    }
}
