//! `cargo xtask corpus`: generates and compiles a client crate for each description of a
//! real-world corpus, and prints what happened to each as a table.
//!
//! The corpus is listed in `tests/corpus/corpus.yaml`: an npm package (name, version and npm's
//! integrity checksum) and, for each description, its path inside the package and its SHA-256.
//! The package is fetched with `npm pack` into `target/corpus/` once; every later run reads it
//! from there, checking both checksums each time, so runs after the first need no network.
//!
//! A description passes when its crate compiles with warnings denied, or when generation stops
//! with a located error (a file position and a JSON pointer naming the construct). A panic, an
//! error without a position, or a crate that does not compile fails the command.
//!
//! One file over 500 lines: fetching and checking the corpus, generating and compiling each
//! description, and the table of results are the steps of one command, sharing its manifest
//! types; a third of the file is their unit tests.

use std::collections::BTreeMap;
use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use intercom_generator::{Options, Severity, SpecSource, crate_files, generate};
use serde::Deserialize;
use sha2::{Digest, Sha256, Sha512};

use crate::files::replace_dir;
use crate::paths::Paths;

/// `tests/corpus/corpus.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The npm package the descriptions come from.
    pub package: Package,
    /// The descriptions, in the order the table lists them.
    pub specs: Vec<Entry>,
}

/// An npm package, pinned.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The package's name on the registry.
    pub name: String,
    /// The exact version.
    pub version: String,
    /// npm's `dist.integrity` of the tarball (`sha512-<base64>`).
    pub integrity: String,
}

/// One description of the corpus.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// A short name: the crate's folder and the table's first column.
    pub name: String,
    /// The file's path inside the package, without the tarball's `package/` prefix.
    pub path: String,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// Whether `.ci/run` runs it (`--ci`).
    #[serde(default)]
    pub ci: bool,
    /// What the generator is known to make of it; a run that differs fails, so that a
    /// regression (and an improvement not yet recorded) shows.
    pub expect: Expect,
}

/// The recorded result of one description.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// Its crate compiles.
    Compiles,
    /// Generation stops with a located error.
    Refused,
}

/// Which descriptions to run.
#[derive(Debug, Default)]
pub struct Selection {
    /// Only those marked `ci: true`.
    pub ci: bool,
    /// Only these names (all when empty).
    pub only: Vec<String>,
    /// Generate but do not compile.
    pub no_compile: bool,
}

/// What happened to one description.
#[derive(Debug)]
enum Outcome {
    /// The crate compiled with warnings denied.
    Compiled,
    /// Generation stopped with a located error; the message names the construct.
    Refused(String),
    /// Generated but not compiled (`--no-compile`).
    Generated,
    /// A defect of the generator: a panic, an unlocated error or a crate that does not compile.
    Failed(String),
}

/// One row of the table.
#[derive(Debug)]
struct Row {
    name: String,
    operations: usize,
    generated_operations: Option<usize>,
    warnings: usize,
    generation: Duration,
    compile: Option<Duration>,
    outcome: Outcome,
}

/// Runs the corpus: fetch, check, generate, compile, print the table.
pub fn run(paths: &Paths, selection: &Selection) -> Result<(), String> {
    let manifest_path = paths.root().join(Paths::CORPUS_MANIFEST);
    let manifest: Manifest = serde_yaml_ng::from_str(
        &std::fs::read_to_string(&manifest_path)
            .map_err(|e| format!("error: cannot read {}: {e}", Paths::CORPUS_MANIFEST))?,
    )
    .map_err(|e| format!("error: {}: {e}", Paths::CORPUS_MANIFEST))?;
    for name in &selection.only {
        if !manifest.specs.iter().any(|s| &s.name == name) {
            return Err(format!(
                "error: `{name}` is not in {}",
                Paths::CORPUS_MANIFEST
            ));
        }
    }
    let chosen: Vec<&Entry> = manifest
        .specs
        .iter()
        .filter(|s| !selection.ci || s.ci)
        .filter(|s| selection.only.is_empty() || selection.only.contains(&s.name))
        .collect();
    let dir = paths.root().join(Paths::CORPUS_DIR);
    let tarball = fetch(&manifest.package, &dir)?;
    let specs = extract(&tarball, &chosen)?;
    let mut rows = Vec::new();
    for entry in &chosen {
        let text = &specs[&entry.name];
        eprintln!("corpus: {} ({})", entry.name, entry.path);
        let mut row = run_one(paths, &dir, entry, text, selection.no_compile);
        row.outcome = against_expectation(row.outcome, entry.expect);
        rows.push(row);
    }
    println!("{}", table(&manifest.package, &rows));
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .map(|r| r.name.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "error: the generator failed on {} of {} descriptions: {}",
            failed.len(),
            rows.len(),
            failed.join(", ")
        ))
    }
}

/// The `n` largest descriptions of the corpus (by operations) recorded as compiling, written to
/// `out` as `<name>.json`: (name, file), largest first. For `cargo xtask bench`.
pub fn largest(paths: &Paths, n: usize, out: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let manifest_path = paths.root().join(Paths::CORPUS_MANIFEST);
    let manifest: Manifest = serde_yaml_ng::from_str(
        &std::fs::read_to_string(&manifest_path)
            .map_err(|e| format!("error: cannot read {}: {e}", Paths::CORPUS_MANIFEST))?,
    )
    .map_err(|e| format!("error: {}: {e}", Paths::CORPUS_MANIFEST))?;
    let compiling: Vec<&Entry> = manifest
        .specs
        .iter()
        .filter(|s| s.expect == Expect::Compiles)
        .collect();
    let tarball = fetch(&manifest.package, &paths.root().join(Paths::CORPUS_DIR))?;
    let texts = extract(&tarball, &compiling)?;
    let mut sized: Vec<(usize, &String, &String)> = texts
        .iter()
        .map(|(name, text)| (count_operations(text), name, text))
        .collect();
    sized.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    std::fs::create_dir_all(out)
        .map_err(|e| format!("error: cannot create {}: {e}", out.display()))?;
    let mut files = Vec::new();
    for (_, name, text) in sized.into_iter().take(n) {
        let file = out.join(format!("{name}.json"));
        std::fs::write(&file, text)
            .map_err(|e| format!("error: cannot write {}: {e}", file.display()))?;
        files.push((name.clone(), file));
    }
    Ok(files)
}

/// The package's tarball in `dir`, fetched with `npm pack` unless a copy with the right
/// checksum is there already.
fn fetch(package: &Package, dir: &Path) -> Result<PathBuf, String> {
    let file = dir.join(format!("{}-{}.tgz", package.name, package.version));
    if file.exists() && check_integrity(&file, &package.integrity).is_ok() {
        return Ok(file);
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    let spec = format!("{}@{}", package.name, package.version);
    eprintln!("corpus: fetching {spec} from the npm registry");
    let output = Command::new("npm")
        .args(["pack", "--silent", &spec, "--pack-destination"])
        .arg(dir)
        .output()
        .map_err(|e| format!("error: cannot run npm (needed once, to fetch {spec}): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "error: `npm pack {spec}` failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    check_integrity(&file, &package.integrity).inspect_err(|_| {
        let _ = std::fs::remove_file(&file);
    })?;
    Ok(file)
}

/// Checks a file against npm's `sha512-<base64>` integrity string.
fn check_integrity(file: &Path, integrity: &str) -> Result<(), String> {
    let expected = integrity
        .strip_prefix("sha512-")
        .ok_or_else(|| format!("error: integrity `{integrity}` is not sha512"))?;
    let bytes =
        std::fs::read(file).map_err(|e| format!("error: cannot read {}: {e}", file.display()))?;
    let actual = base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&bytes));
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "error: {} has integrity sha512-{actual}, expected {integrity}",
            file.display()
        ))
    }
}

/// Reads the chosen descriptions out of the tarball, checking each one's SHA-256.
fn extract(tarball: &Path, chosen: &[&Entry]) -> Result<BTreeMap<String, String>, String> {
    let file = std::fs::File::open(tarball)
        .map_err(|e| format!("error: cannot open {}: {e}", tarball.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let by_path: BTreeMap<String, &Entry> = chosen
        .iter()
        .map(|e| (format!("package/{}", e.path), *e))
        .collect();
    let mut found = BTreeMap::new();
    let entries = archive
        .entries()
        .map_err(|e| format!("error: cannot read {}: {e}", tarball.display()))?;
    for item in entries {
        let mut item =
            item.map_err(|e| format!("error: cannot read {}: {e}", tarball.display()))?;
        let path = item
            .path()
            .map_err(|e| format!("error: bad entry in {}: {e}", tarball.display()))?
            .to_string_lossy()
            .into_owned();
        let Some(entry) = by_path.get(&path) else {
            continue;
        };
        let mut bytes = Vec::new();
        item.read_to_end(&mut bytes)
            .map_err(|e| format!("error: cannot read {path}: {e}"))?;
        let digest = hex::encode(Sha256::digest(&bytes));
        if digest != entry.sha256 {
            return Err(format!(
                "error: {} has SHA-256 {digest}, expected {}",
                entry.path, entry.sha256
            ));
        }
        let text = String::from_utf8(bytes)
            .map_err(|e| format!("error: {} is not UTF-8: {e}", entry.path))?;
        found.insert(entry.name.clone(), text);
    }
    if let Some(missing) = chosen.iter().find(|e| !found.contains_key(&e.name)) {
        return Err(format!(
            "error: {} is not in {}",
            missing.path,
            tarball.display()
        ));
    }
    Ok(found)
}

/// Generates and compiles one description.
fn run_one(paths: &Paths, dir: &Path, entry: &Entry, text: &str, no_compile: bool) -> Row {
    let file_name = entry.path.rsplit('/').next().unwrap_or(&entry.path);
    let source = SpecSource::new(file_name, text);
    let mut row = Row {
        name: entry.name.clone(),
        operations: count_operations(text),
        generated_operations: None,
        warnings: 0,
        generation: Duration::ZERO,
        compile: None,
        outcome: Outcome::Generated,
    };
    let options = Options {
        command: "cargo xtask corpus".to_string(),
        ..Options::default()
    };
    let started = Instant::now();
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| generate(&source, &options)));
    row.generation = started.elapsed();
    let generated = match result {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            row.outcome = Outcome::Failed(format!("the generator panicked: {message}"));
            return row;
        }
        Ok(Err(err)) => {
            row.warnings = err
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            row.outcome = match err.error() {
                Some(d) if d.position.is_some() => Outcome::Refused(d.to_string()),
                Some(d) => Outcome::Failed(format!("an error without a position: {d}")),
                None => Outcome::Failed("generation failed without an error".to_string()),
            };
            return row;
        }
        Ok(Ok(generated)) => generated,
    };
    row.warnings = generated.warnings.len();
    row.generated_operations = Some(generated.operations.len());
    if no_compile {
        return row;
    }
    let out = dir.join("crates").join(&entry.name);
    let name = format!("corpus-{}", entry.name);
    if let Err(e) = replace_dir(&out, &crate_files(&name, &generated)) {
        row.outcome = Outcome::Failed(e);
        return row;
    }
    // Timed with the default features, as a user builds it; then once more with the builders,
    // which are off by default, so that they are checked too.
    row.outcome = match crate::generate::compile_crate(paths, &out, &[]) {
        Ok(elapsed) => {
            row.compile = Some(elapsed);
            match crate::generate::compile_crate(paths, &out, &["--features", "builders"]) {
                Ok(_) => Outcome::Compiled,
                Err(e) => Outcome::Failed(e),
            }
        }
        Err(e) => Outcome::Failed(e),
    };
    row
}

/// A result other than the recorded one is a failure: a description that used to compile and
/// now does not, or one refused before that now generates (record it in the manifest).
fn against_expectation(outcome: Outcome, expect: Expect) -> Outcome {
    match (outcome, expect) {
        (Outcome::Refused(why), Expect::Compiles) => {
            Outcome::Failed(format!("refused, but it is recorded as compiling: {why}"))
        }
        (Outcome::Compiled | Outcome::Generated, Expect::Refused) => Outcome::Failed(
            "generated, but it is recorded as refused; record `expect: compiles`".to_string(),
        ),
        (outcome, _) => outcome,
    }
}

/// The operations a description declares, counted from its text whatever the generator makes of
/// it; 0 when it does not parse.
fn count_operations(text: &str) -> usize {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    // JSON first, as the generator reads it: an integer beyond 64 bits is an error to YAML.
    let Some(doc) = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .or_else(|| serde_yaml_ng::from_str(text).ok())
    else {
        return 0;
    };
    doc.get("paths")
        .and_then(|p| p.as_object())
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(|item| item.as_object())
                .map(|item| {
                    item.keys()
                        .filter(|k| METHODS.contains(&k.as_str()))
                        .count()
                })
                .sum()
        })
}

/// The Markdown table, then one line per refusal or failure.
fn table(package: &Package, rows: &[Row]) -> String {
    let mut out = format!(
        "Corpus: npm {}@{}, generator built with the `{}` profile\n\n\
         | description | operations | generated | dropped | warnings | generation | compile | result |\n\
         |---|---:|---:|---:|---:|---:|---:|---|\n",
        package.name,
        package.version,
        if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        }
    );
    for row in rows {
        let (generated, dropped) = match row.generated_operations {
            Some(n) => (n.to_string(), row.operations.saturating_sub(n).to_string()),
            None => ("–".to_string(), "–".to_string()),
        };
        let compile = row
            .compile
            .map_or("–".to_string(), |d| format!("{:.1} s", d.as_secs_f64()));
        let result = match &row.outcome {
            Outcome::Compiled => "compiles",
            Outcome::Generated => "generated",
            Outcome::Refused(_) => "refused (located error)",
            Outcome::Failed(_) => "**FAILED**",
        };
        out.push_str(&format!(
            "| {} | {} | {generated} | {dropped} | {} | {} ms | {compile} | {result} |\n",
            row.name,
            row.operations,
            row.warnings,
            row.generation.as_millis(),
        ));
    }
    for row in rows {
        match &row.outcome {
            Outcome::Refused(why) => out.push_str(&format!("\n{}: {why}", row.name)),
            Outcome::Failed(why) => out.push_str(&format!("\n{}: FAILED: {why}", row.name)),
            Outcome::Compiled | Outcome::Generated => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_parses_and_names_each_description_once() {
        let paths = Paths::workspace();
        let text = std::fs::read_to_string(paths.root().join(Paths::CORPUS_MANIFEST)).unwrap();
        let manifest: Manifest = serde_yaml_ng::from_str(&text).unwrap();
        assert!(
            manifest.specs.len() >= 10,
            "{} descriptions",
            manifest.specs.len()
        );
        let mut names: Vec<&str> = manifest.specs.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), manifest.specs.len(), "a name is listed twice");
        for spec in &manifest.specs {
            assert_eq!(spec.sha256.len(), 64, "{}", spec.name);
            assert!(
                spec.sha256
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
        }
        assert!(manifest.package.integrity.starts_with("sha512-"));
    }

    #[test]
    fn integrity_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.tgz");
        std::fs::write(&file, b"abc").unwrap();
        let good = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha512::digest(b"abc"))
        );
        assert!(check_integrity(&file, &good).is_ok());
        let bad = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha512::digest(b"abd"))
        );
        assert!(
            check_integrity(&file, &bad)
                .unwrap_err()
                .contains("expected")
        );
        assert!(check_integrity(&file, "sha1-xyz").is_err());
    }

    #[test]
    fn a_result_other_than_the_recorded_one_fails() {
        let refused = || Outcome::Refused("x.json:1:2: #/paths: no".to_string());
        assert!(matches!(
            against_expectation(refused(), Expect::Compiles),
            Outcome::Failed(why) if why.contains("recorded as compiling")
        ));
        assert!(matches!(
            against_expectation(refused(), Expect::Refused),
            Outcome::Refused(_)
        ));
        assert!(matches!(
            against_expectation(Outcome::Compiled, Expect::Refused),
            Outcome::Failed(_)
        ));
        assert!(matches!(
            against_expectation(Outcome::Compiled, Expect::Compiles),
            Outcome::Compiled
        ));
        let failed = against_expectation(Outcome::Failed("panic".into()), Expect::Refused);
        assert!(matches!(failed, Outcome::Failed(why) if why == "panic"));
    }

    #[test]
    fn operations_are_counted_from_the_text() {
        let text = "openapi: 3.0.0\npaths:\n  /a:\n    get: {}\n    post: {}\n    parameters: []\n  /b:\n    delete: {}\n";
        assert_eq!(count_operations(text), 3);
        assert_eq!(count_operations("not: [valid"), 0);
        let json = r#"{"paths": {"/a": {"get": {"x": 18446744073709552000}}}}"#;
        assert_eq!(count_operations(json), 1);
    }

    #[test]
    fn a_tarball_entry_with_the_wrong_checksum_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let tarball = dir.path().join("p.tgz");
        let gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&tarball).unwrap(),
            flate2::Compression::fast(),
        );
        let mut builder = tar::Builder::new(gz);
        let body = b"{\"openapi\":\"3.0.0\"}";
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, "package/api/x.json", &body[..])
            .unwrap();
        builder.into_inner().unwrap().finish().unwrap();
        let right = Entry {
            name: "x".into(),
            path: "api/x.json".into(),
            sha256: hex::encode(Sha256::digest(body)),
            ci: false,
            expect: Expect::Compiles,
        };
        let found = extract(&tarball, &[&right]).unwrap();
        assert_eq!(found["x"], "{\"openapi\":\"3.0.0\"}");
        let wrong = Entry {
            sha256: "0".repeat(64),
            ..right
        };
        assert!(
            extract(&tarball, &[&wrong])
                .unwrap_err()
                .contains("SHA-256")
        );
        let missing = Entry {
            name: "y".into(),
            path: "api/y.json".into(),
            sha256: "0".repeat(64),
            ci: false,
            expect: Expect::Compiles,
        };
        assert!(
            extract(&tarball, &[&missing])
                .unwrap_err()
                .contains("not in")
        );
    }
}
