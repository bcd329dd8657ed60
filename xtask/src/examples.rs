//! `cargo xtask examples`: runs every example of the client crate against the `intercom-mock`
//! server, as a user would run them.
//!
//! The examples are the `.rs` files of `generated-client/examples/`, found there, so that a new
//! one is run without being listed anywhere. They are built with `intercom-mock` in one cargo
//! run, with every feature an example requires (its `required-features`, read from
//! `cargo metadata`). The server is started on a free loopback port, and each example runs with
//! `INTERCOM_BASE_URL` pointing at it and `INTERCOM_API_KEY` set; an example fails when it exits
//! with an error status or runs past [`EXAMPLE_DEADLINE`].

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::paths::Paths;

/// The folder of the client crate's examples, relative to the workspace root.
pub const EXAMPLES: &str = "generated-client/examples";
/// The client crate's package name.
const CLIENT_PACKAGE: &str = "intercom-client";
/// The mock server's package, and its binary's name.
const MOCK: &str = "intercom-mock";
/// The token the examples send; the mock takes any well-formed bearer token.
const TOKEN: &str = "examples-token";
/// How long the server has to say where it listens and to answer.
const SERVER_DEADLINE: Duration = Duration::from_secs(30);
/// How long one example may run.
pub const EXAMPLE_DEADLINE: Duration = Duration::from_secs(120);

/// Builds the server and the examples, runs each example against the server and reports every
/// one that failed.
pub fn run(paths: &Paths) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let names = discover(&paths.root().join(EXAMPLES))?;
    if names.is_empty() {
        return Err(format!("error: {EXAMPLES} holds no example"));
    }
    let features = required_features(paths, &cargo, &names)?;
    let built = build(paths, &cargo, &features)?;
    let server_exe = built
        .get(&(Kind::Bin, MOCK.to_string()))
        .ok_or_else(|| format!("error: cargo built no `{MOCK}` binary"))?;

    let server = Server::start(server_exe)?;
    eprintln!("{MOCK} is listening on {}", server.base_url);
    let mut failed = Vec::new();
    for name in &names {
        let Some(exe) = built.get(&(Kind::Example, name.clone())) else {
            eprintln!("FAIL {name}: cargo built no example of that name");
            failed.push(name.clone());
            continue;
        };
        eprintln!("---- example {name}");
        let started = Instant::now();
        let outcome = run_example(exe, &server.base_url, paths.root());
        let took = started.elapsed().as_secs_f64();
        match outcome {
            Ok(()) => eprintln!("ok   {name} ({took:.1} s)"),
            Err(why) => {
                eprintln!("FAIL {name}: {why} ({took:.1} s)");
                failed.push(name.clone());
            }
        }
    }
    drop(server);

    let passed = names.len() - failed.len();
    eprintln!("examples: {passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "error: {} of {} examples failed against {MOCK}: {}",
            failed.len(),
            names.len(),
            failed.join(", ")
        ))
    }
}

/// The examples in `dir`, by name, sorted: each `NAME.rs`, and each folder `NAME/` with a
/// `main.rs` (cargo's two layouts of an example).
pub fn discover(dir: &Path) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("error: cannot read {}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("error: cannot read {}: {e}", dir.display()))?
            .path();
        let name = if path.is_dir() {
            path.join("main.rs")
                .is_file()
                .then(|| path.file_name().and_then(|n| n.to_str()))
                .flatten()
        } else if path.extension().is_some_and(|e| e == "rs") {
            path.file_stem().and_then(|n| n.to_str())
        } else {
            None
        };
        if let Some(name) = name {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// The features of the client crate that the examples `names` require, as `package/feature`;
/// an example that cargo does not know as a target of the client crate is an error.
fn required_features(paths: &Paths, cargo: &str, names: &[String]) -> Result<Vec<String>, String> {
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(paths.root())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("error: cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err("error: cargo metadata failed".to_string());
    }
    let metadata: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("error: cargo metadata printed no JSON: {e}"))?;
    let examples = example_features(&metadata, CLIENT_PACKAGE);
    let mut features = BTreeSet::new();
    for name in names {
        let required = examples.get(name).ok_or_else(|| {
            format!(
                "error: {EXAMPLES}/{name} is not an example of {CLIENT_PACKAGE} for cargo \
                 (an [[example]] entry in its Cargo.toml names another file?)"
            )
        })?;
        features.extend(required.iter().map(|f| format!("{CLIENT_PACKAGE}/{f}")));
    }
    Ok(features.into_iter().collect())
}

/// Each example target of `package` in `cargo metadata`'s output, with its required features.
pub fn example_features(metadata: &Value, package: &str) -> BTreeMap<String, Vec<String>> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == package)
        .flat_map(|p| p["targets"].as_array().into_iter().flatten())
        .filter(|t| strings(&t["kind"]).iter().any(|k| k == "example"))
        .filter_map(|t| {
            let name = t["name"].as_str()?.to_string();
            Some((name, strings(&t["required-features"])))
        })
        .collect()
}

/// The kinds of target the runner needs the executable of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A binary (`intercom-mock`).
    Bin,
    /// An example.
    Example,
}

/// Builds the mock server's binary and the client crate's examples with `features`, in one
/// cargo run so that they share one build of the client, and returns the executables built.
fn build(
    paths: &Paths,
    cargo: &str,
    features: &[String],
) -> Result<BTreeMap<(Kind, String), PathBuf>, String> {
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--message-format", "json-render-diagnostics"])
        .args(["-p", MOCK, "-p", CLIENT_PACKAGE, "--bins", "--examples"]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    eprintln!("building {MOCK} and the examples of {CLIENT_PACKAGE}…");
    let out = cmd
        .current_dir(paths.root())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("error: cannot run cargo build: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "error: cargo build of {MOCK} and the examples failed"
        ));
    }
    Ok(executables(&String::from_utf8_lossy(&out.stdout)))
}

/// The executables in cargo's JSON messages (`--message-format json`), by kind and name.
pub fn executables(messages: &str) -> BTreeMap<(Kind, String), PathBuf> {
    let mut found = BTreeMap::new();
    for line in messages.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let (Some(exe), Some(name)) = (
            message["executable"].as_str(),
            message["target"]["name"].as_str(),
        ) else {
            continue;
        };
        let kinds = message["target"]["kind"].as_array();
        let kind = kinds.into_iter().flatten().find_map(|k| match k.as_str() {
            Some("bin") => Some(Kind::Bin),
            Some("example") => Some(Kind::Example),
            _ => None,
        });
        if let Some(kind) = kind {
            found.insert((kind, name.to_string()), PathBuf::from(exe));
        }
    }
    found
}

/// The base URL in the line `intercom-mock` prints first: `listening on http://127.0.0.1:PORT`.
pub fn listening_url(line: &str) -> Option<&str> {
    let url = line.trim().strip_prefix("listening on ")?;
    url.starts_with("http://").then_some(url)
}

/// A running `intercom-mock`, stopped when dropped.
struct Server {
    child: Child,
    base_url: String,
}

impl Server {
    /// Starts `exe` on a free loopback port and waits until it answers HTTP.
    fn start(exe: &Path) -> Result<Server, String> {
        let mut child = Command::new(exe)
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("error: cannot start {}: {e}", exe.display()))?;
        let stdout = child.stdout.take();
        // The server is stopped however this ends.
        let mut server = Server {
            child,
            base_url: String::new(),
        };
        let stdout = stdout.ok_or_else(|| format!("error: no stdout from {MOCK}"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(read);
        });
        let line = match rx.recv_timeout(SERVER_DEADLINE) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => return Err(format!("error: cannot read what {MOCK} printed: {e}")),
            Err(_) => {
                return Err(format!(
                    "error: {MOCK} did not say where it listens within {SERVER_DEADLINE:?}"
                ));
            }
        };
        let url = listening_url(&line).ok_or_else(|| {
            format!(
                "error: {MOCK} printed {:?}, not `listening on http://…`",
                line.trim()
            )
        })?;
        server.base_url = url.to_string();
        let addr: SocketAddr = url
            .trim_start_matches("http://")
            .parse()
            .map_err(|e| format!("error: {MOCK} listens on {url}, not an address: {e}"))?;
        wait_until_answering(addr)?;
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends one HTTP request to `addr` until something answers with an HTTP status line, for at
/// most [`SERVER_DEADLINE`].
fn wait_until_answering(addr: SocketAddr) -> Result<(), String> {
    let deadline = Instant::now() + SERVER_DEADLINE;
    loop {
        let answered =
            TcpStream::connect_timeout(&addr, Duration::from_secs(1)).and_then(|mut s| {
                s.set_read_timeout(Some(Duration::from_secs(5)))?;
                write!(
                    s,
                    "GET /me HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
                )?;
                let mut start = [0u8; 5];
                s.read_exact(&mut start)?;
                Ok(&start == b"HTTP/")
            });
        if let Ok(true) = answered {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "error: {MOCK} on {addr} did not answer within {SERVER_DEADLINE:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs the example `exe` against `base_url` from `dir`, its output going to this process's;
/// fails on an error status or after [`EXAMPLE_DEADLINE`].
fn run_example(exe: &Path, base_url: &str, dir: &Path) -> Result<(), String> {
    let mut child = Command::new(exe)
        .env("INTERCOM_BASE_URL", base_url)
        .env("INTERCOM_API_KEY", TOKEN)
        .current_dir(dir)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let status = wait_with_deadline(&mut child, EXAMPLE_DEADLINE)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("it exited with {status}"))
    }
}

/// Waits for `child` for at most `deadline`, then stops it.
fn wait_with_deadline(child: &mut Child, deadline: Duration) -> Result<ExitStatus, String> {
    let until = Instant::now() + deadline;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("it ran past {deadline:?} and was stopped"));
            }
            Err(e) => return Err(format!("cannot wait for it: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_found_in_both_layouts_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b_first.rs"), "fn main() {}").unwrap();
        std::fs::write(dir.path().join("a_second.rs"), "fn main() {}").unwrap();
        std::fs::write(dir.path().join("notes.md"), "").unwrap();
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        std::fs::write(dir.path().join("folder/main.rs"), "fn main() {}").unwrap();
        std::fs::create_dir(dir.path().join("shared")).unwrap();
        std::fs::write(dir.path().join("shared/util.rs"), "").unwrap();
        assert_eq!(
            discover(dir.path()).unwrap(),
            ["a_second", "b_first", "folder"]
        );
        assert!(discover(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn the_client_examples_are_all_found() {
        let names = discover(&Paths::workspace().root().join(EXAMPLES)).unwrap();
        for name in ["handle_errors", "verify_webhook", "walk_contacts"] {
            assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
        }
    }

    #[test]
    fn required_features_are_read_per_example() {
        let metadata = serde_json::json!({"packages": [
            {"name": "other", "targets": [
                {"name": "hook", "kind": ["example"], "required-features": ["x"]}
            ]},
            {"name": "intercom-client", "targets": [
                {"name": "intercom_client", "kind": ["lib"], "required-features": []},
                {"name": "plain", "kind": ["example"]},
                {"name": "hook", "kind": ["example"], "required-features": ["webhooks"]}
            ]}
        ]});
        let found = example_features(&metadata, "intercom-client");
        assert_eq!(found.len(), 2);
        assert_eq!(found["plain"], Vec::<String>::new());
        assert_eq!(found["hook"], ["webhooks"]);
    }

    #[test]
    fn executables_come_from_artifact_messages() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"intercom-mock"},"executable":"/t/intercom-mock"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["example"],"name":"walk"},"executable":"/t/examples/walk"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"lib"},"executable":null}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "not json",
        ]
        .join("\n");
        let found = executables(&messages);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[&(Kind::Bin, "intercom-mock".to_string())],
            Path::new("/t/intercom-mock")
        );
        assert_eq!(
            found[&(Kind::Example, "walk".to_string())],
            Path::new("/t/examples/walk")
        );
    }

    #[test]
    fn the_listening_line_gives_the_url() {
        assert_eq!(
            listening_url("listening on http://127.0.0.1:4321\n"),
            Some("http://127.0.0.1:4321")
        );
        assert_eq!(listening_url("error: cannot listen"), None);
        assert_eq!(listening_url("listening on 127.0.0.1:1"), None);
    }
}
