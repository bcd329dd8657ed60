//! Provenance of the spec's prose: the documentation page in `../shared/seed/` is ours to
//! capture, Intercom's published descriptions in `../shared/upstream/` are not. A description,
//! summary or title in `spec/` may not share a run of 8 or more words with any of Intercom's
//! published descriptions or its override file unless the page has the same run. Examples,
//! defaults and enum values are facts, taken from those descriptions on purpose, and are not
//! checked.
//!
//! Words are runs of letters and digits, lower-cased; literal `\n` escapes are not words. The
//! reference texts are read as one stream of words each, so a run that a published description
//! breaks over two lines still counts.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use intercom_tests::workspace_root;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// The shortest shared run of words that counts as copied.
const RUN: usize = 8;

const UPSTREAM_DIR: &str = "../shared/upstream";
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

/// The words of a prose value: lower-cased runs of ASCII letters and digits.
fn plain_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace("\\n", " ")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
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
    /// Prose values of `text` holding a run of [`RUN`] or more words that a published
    /// description has and the page does not; each with the longest such run in it.
    fn check(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for (line, prose) in prose(text) {
            let w: Vec<String> = plain_words(&prose);
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
                    line,
                    text: prose.trim().to_string(),
                    run: w[s..s + len].join(" "),
                });
            }
        }
        out
    }
}

/// The prose of a YAML text: every `description`, `summary` and `title` string outside data
/// (`example`, `default`, `enum`, `const`, and the `value` of an example object), with the line
/// it starts on.
fn prose(text: &str) -> Vec<(usize, String)> {
    let mut collector = ProseCollector::default();
    let mut parser = Parser::new_from_str(text);
    // A file that does not parse has no prose to check; the generator's tests report it.
    if parser.load(&mut collector, false).is_err() {
        return Vec::new();
    }
    collector.found
}

/// What a YAML node is, for telling prose from data.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Keywords and names, which may hold prose.
    Open,
    /// A map of example objects: each one's `summary` and `description` are prose.
    Examples,
    /// A map whose keys are names (of properties), not keywords.
    Names,
    /// Data: nothing in it is prose.
    Data,
}

enum Frame {
    Map { role: Role, key: Option<String> },
    Seq { role: Role },
}

#[derive(Default)]
struct ProseCollector {
    stack: Vec<Frame>,
    found: Vec<(usize, String)>,
}

impl ProseCollector {
    /// The role of a value that starts now, and the key it is the value of; `None` when the
    /// node is a key.
    fn value_role(&mut self, key_text: Option<&str>) -> Option<(Role, Option<String>)> {
        match self.stack.last_mut() {
            None => Some((Role::Open, None)),
            Some(Frame::Seq { role }) => Some((
                if *role == Role::Data {
                    Role::Data
                } else {
                    Role::Open
                },
                None,
            )),
            Some(Frame::Map { role, key }) => match key.take() {
                None => {
                    *key = Some(key_text.unwrap_or_default().to_string());
                    None
                }
                Some(k) => {
                    let role = match (*role, k.as_str()) {
                        (Role::Data, _) => Role::Data,
                        (Role::Examples | Role::Names, _) => Role::Open,
                        (
                            Role::Open,
                            "properties" | "patternProperties" | "$defs" | "definitions",
                        ) => Role::Names,
                        (Role::Open, "example" | "default" | "enum" | "const" | "value") => {
                            Role::Data
                        }
                        (Role::Open, "examples") => Role::Examples,
                        (Role::Open, _) => Role::Open,
                    };
                    Some((role, Some(k)))
                }
            },
        }
    }
}

impl MarkedEventReceiver for ProseCollector {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                if let Some((role, Some(key))) = self.value_role(Some(&value))
                    && role == Role::Open
                    && matches!(key.as_str(), "description" | "summary" | "title")
                {
                    self.found.push((mark.line(), value));
                }
            }
            Event::MappingStart(..) => {
                let role = self.value_role(Some("")).map_or(Role::Data, |(r, _)| r);
                self.stack.push(Frame::Map { role, key: None });
            }
            Event::SequenceStart(..) => {
                let role = self.value_role(Some("")).map_or(Role::Data, |(r, _)| r);
                self.stack.push(Frame::Seq { role });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                self.value_role(Some(""));
            }
            _ => {}
        }
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
    // Every published description and the override file, one after another; a run across the
    // seam of two files is not one anybody wrote, and harmless.
    let upstream: String = files(&root.join(UPSTREAM_DIR))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .map(|p| read(p) + "\n")
        .collect();
    References::new(&upstream, &seed)
}

#[test]
fn spec_prose_is_ours_or_the_pages() {
    let refs = references();
    let runs = refs.runs();
    let root = workspace_root();
    let mut report = String::new();
    let mut checked = 0;
    let mut values = 0;
    for path in files(&root.join("spec")) {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = read(&path);
        checked += 1;
        values += prose(&text).len();
        for f in runs.check(&text) {
            let _ = writeln!(
                report,
                "{rel}:{}: {}\n    shared with the published description: \"{}\"",
                f.line, f.text, f.run
            );
        }
    }
    assert!(checked > 0, "no files under spec/");
    // Every operation, parameter and schema of the spec has prose; far fewer values means the
    // reader stopped finding it.
    assert!(values > 1500, "only {values} prose values found in spec/");
    assert!(
        report.is_empty(),
        "prose of spec/ repeats Intercom's published descriptions where the documentation page does not; \
         write it in our own words:\n{report}"
    );
}

/// The check catches a sentence of the published description pasted into a spec's prose,
/// lets through one that the page also has, and leaves examples alone.
#[test]
fn the_check_catches_a_pasted_sentence_and_spares_the_pages_and_examples() {
    let refs = references();
    let runs = refs.runs();
    let pasted = "paths:\n  /contacts/{id}:\n    get:\n      summary: x\n      description: >-\n        You can fetch the details\n        of a single contact.\n";
    let found = runs.check(pasted);
    assert_eq!(
        found,
        [Finding {
            line: 6,
            text: "You can fetch the details of a single contact.".into(),
            run: "you can fetch the details of a single contact".into(),
        }]
    );
    // On the page as well as in the published description.
    let pages = "description: The unique identifier for the contact which is given by Intercom.\n";
    assert!(runs.check(pages).is_empty());
    // Seven words are not a run.
    let short = "description: you can fetch the details of a\n";
    assert!(runs.check(short).is_empty());
    // Example values are facts, whatever their keys; an example's summary is prose.
    let examples = "examples:\n  one:\n    summary: ok\n    value:\n      description: You can fetch the details of a single contact.\nexample:\n  description: You can fetch the details of a single contact.\n";
    assert!(runs.check(examples).is_empty());
    let summary =
        "examples:\n  one:\n    summary: You can fetch the details of a single contact.\n";
    assert_eq!(runs.check(summary).len(), 1);
    // A property named like a keyword of data is a name, and its schema's prose is checked.
    let property = "properties:\n  example:\n    description: You can fetch the details of a single contact.\n";
    assert_eq!(runs.check(property).len(), 1);
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
