//! Provenance of the spec's prose: the documentation page in `../shared/seed/` is ours to
//! capture, Intercom's published description in `../shared/upstream/` is not. A line of `spec/`
//! may not share a run of 8 or more words with the published description unless the page has
//! the same run.
//!
//! Words are runs of letters and digits, lower-cased; a leading YAML key (`description:`,
//! `- name:`) and literal `\n` escapes are not words. The reference texts are read as one stream
//! of words each, so a run that the published description breaks over two lines still counts.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use intercom_tests::workspace_root;

/// The shortest shared run of words that counts as copied.
const RUN: usize = 8;

const UPSTREAM: &str = "../shared/upstream/intercom-openapi-2.10.yaml";
const SEED_DIR: &str = "../shared/seed";

/// The words of one line: lower-cased runs of ASCII letters and digits, after dropping a
/// leading YAML key and the `\n` escapes of double-quoted scalars.
fn words(line: &str) -> Vec<String> {
    let text = drop_key(line).to_lowercase().replace("\\n", " ");
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `  - name: value` → `value`; `description: text` → `text`; lines without a key unchanged.
fn drop_key(line: &str) -> &str {
    let rest = line.trim_start();
    let rest = rest.strip_prefix("- ").map_or(rest, str::trim_start);
    let key_end = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].find(q).map(|i| i + 2),
        Some(_) => rest.find(|c: char| c == ':' || c.is_whitespace()),
        None => None,
    };
    match key_end {
        Some(end) => match rest[end..].strip_prefix(':') {
            Some(after) if after.is_empty() || after.starts_with(char::is_whitespace) => after,
            _ => line,
        },
        None => line,
    }
}

/// The words of a whole text, in order, across lines.
fn stream(text: &str) -> Vec<String> {
    text.lines().flat_map(words).collect()
}

/// Every run of [`RUN`] consecutive words of `words`.
fn shingles(words: &[String]) -> HashSet<&[String]> {
    words.windows(RUN).collect()
}

/// A line of a checked file that shares a run with the published description.
#[derive(Debug, PartialEq, Eq)]
struct Finding {
    line: usize,
    text: String,
    run: String,
}

/// The reference texts, as streams of words.
struct References {
    upstream: Vec<String>,
    seed: Vec<String>,
}

impl References {
    fn new(upstream: &str, seed: &str) -> Self {
        Self {
            upstream: stream(upstream),
            seed: stream(seed),
        }
    }

    /// The runs of each reference, hashed once for every file checked against them.
    fn runs(&self) -> Runs<'_> {
        Runs {
            upstream: shingles(&self.upstream),
            seed: shingles(&self.seed),
        }
    }
}

/// The [`RUN`]-word runs of the published description and of the page.
struct Runs<'a> {
    upstream: HashSet<&'a [String]>,
    seed: HashSet<&'a [String]>,
}

impl Runs<'_> {
    /// Lines of `text` holding a run of [`RUN`] or more words that the published description has
    /// and the page does not; each with the longest such run on the line.
    fn check(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let w = words(line);
            let copied: Vec<bool> = w
                .windows(RUN)
                .map(|s| self.upstream.contains(s) && !self.seed.contains(s))
                .collect();
            // Consecutive copied windows make one run; report the longest.
            let mut best: Option<(usize, usize)> = None;
            let mut start = None;
            for (j, &c) in copied.iter().chain([&false]).enumerate() {
                match (c, start) {
                    (true, None) => start = Some(j),
                    (false, Some(s)) => {
                        let len = j - s + RUN - 1;
                        if best.is_none_or(|(_, l)| len > l) {
                            best = Some((s, len));
                        }
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some((s, len)) = best {
                out.push(Finding {
                    line: i + 1,
                    text: line.trim().to_string(),
                    run: w[s..s + len].join(" "),
                });
            }
        }
        out
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} is needed beside the repository: {e}", path.display()))
}

/// Files under `dir`, sorted, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} is readable: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn references() -> References {
    let root = workspace_root();
    let seed: String = files(&root.join(SEED_DIR))
        .iter()
        .map(|p| read(p) + "\n")
        .collect();
    References::new(&read(&root.join(UPSTREAM)), &seed)
}

#[test]
fn spec_prose_is_ours_or_the_pages() {
    let refs = references();
    let runs = refs.runs();
    let root = workspace_root();
    let mut report = String::new();
    let mut checked = 0;
    for path in files(&root.join("spec")) {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = read(&path);
        checked += 1;
        for f in runs.check(&text) {
            let _ = writeln!(
                report,
                "{rel}:{}: {}\n    shared with the published description: \"{}\"",
                f.line, f.text, f.run
            );
        }
    }
    assert!(checked > 0, "no files under spec/");
    assert!(
        report.is_empty(),
        "lines of spec/ repeat Intercom's published description where the documentation page does not; \
         write them in our own words:\n{report}"
    );
}

/// The check catches a sentence of the published description pasted into a spec, and lets
/// through one that the page also has.
#[test]
fn the_check_catches_a_pasted_sentence_and_spares_the_pages() {
    let refs = references();
    let runs = refs.runs();
    let pasted = "paths:\n  /contacts/{id}:\n    get:\n      description: You can fetch the details of a single contact.\n";
    let found = runs.check(pasted);
    assert_eq!(
        found,
        [Finding {
            line: 4,
            text: "description: You can fetch the details of a single contact.".into(),
            run: "you can fetch the details of a single contact".into(),
        }]
    );
    // On the page as well as in the published description.
    let pages =
        "      description: The unique identifier for the contact which is given by Intercom.\n";
    assert!(runs.check(pages).is_empty());
    // Seven words are not a run.
    let short = "description: you can fetch the details of a\n";
    assert!(runs.check(short).is_empty());
}

#[test]
fn words_ignore_keys_case_punctuation_and_escapes() {
    assert_eq!(words("  - name: Intercom-Version"), ["intercom", "version"]);
    assert_eq!(
        words("      description: (UNIX timestamp) The time."),
        ["unix", "timestamp", "the", "time"]
    );
    assert_eq!(words("  \"/contacts/{id}\":"), Vec::<String>::new());
    assert_eq!(
        words("url: https://api.intercom.io"),
        ["https", "api", "intercom", "io"]
    );
    assert_eq!(
        words("Ends here.\\nNext one"),
        ["ends", "here", "next", "one"]
    );
    assert_eq!(words("text without a key"), ["text", "without", "a", "key"]);
}
