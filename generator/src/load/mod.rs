//! Reading a spec: YAML or JSON text into a JSON value, the files its relative references
//! reach ([`bundle`] makes them one document), the patches applied over it ([`patch`]), where
//! each node came from ([`provenance`]), and JSON pointers back to line and column for
//! diagnostics.
//!
//! In: the spec's source and the patches. Out: one document, as read and patched.

pub(crate) mod bundle;
pub(crate) mod context;
pub(crate) mod document;
pub mod patch;
pub(crate) mod provenance;

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::base::diag::{Diagnostic, LineCol, Severity};
use crate::base::pointer::escape_token;

/// The text of a spec and the name it is reported under, with the other files its relative
/// references (`$ref: 'contacts.yaml#/components/schemas/contact'`) reach.
pub struct SpecSource {
    name: String,
    text: String,
    index: OnceLock<HashMap<String, LineCol>>,
    parsed: OnceLock<Result<Value, Box<Diagnostic>>>,
    /// The files references reach, in the order they were found.
    files: Vec<SpecSource>,
    /// Files a reference names that could not be read, with why.
    unreadable: Vec<(String, String)>,
}

impl SpecSource {
    /// Wraps spec text; `name` is what diagnostics call the file (a path relative to the
    /// workspace keeps messages and snapshots free of machine-specific paths).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            index: OnceLock::new(),
            parsed: OnceLock::new(),
            files: Vec::new(),
            unreadable: Vec::new(),
        }
    }

    /// Adds a file that the spec's references may name, as `name` (the path a reference
    /// resolves to: relative to the referring file's folder, `/`-separated, without `.` or
    /// `..` segments).
    #[must_use]
    pub fn with_file(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.files.push(SpecSource::new(name, text));
        self
    }

    /// Reads the spec named `name` and every file its relative references reach, through
    /// `read` (given each file's name, relative to the same place as `name`). A referenced file
    /// that cannot be read is kept as such: generation warns at each reference to it. Fails
    /// only when the spec itself cannot be read.
    pub fn read(
        name: impl Into<String>,
        mut read: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<Self, String> {
        let name = name.into();
        let text = read(&name).map_err(|e| format!("cannot read {name}: {e}"))?;
        let mut root = SpecSource::new(name, text);
        let mut queue: VecDeque<String> = bundle::files_named(&root).into();
        while let Some(file) = queue.pop_front() {
            if file == root.name
                || root.files.iter().any(|f| f.name == file)
                || root.unreadable.iter().any(|(n, _)| *n == file)
            {
                continue;
            }
            match read(&file) {
                Ok(text) => {
                    let source = SpecSource::new(file, text);
                    queue.extend(bundle::files_named(&source));
                    root.files.push(source);
                }
                Err(e) => root.unreadable.push((file, e)),
            }
        }
        Ok(root)
    }

    /// The other files of the spec, in the order its references reached them.
    pub fn files(&self) -> &[SpecSource] {
        &self.files
    }

    /// Why the file `name`, named by a reference, could not be read, if it could not.
    pub(crate) fn unreadable(&self, name: &str) -> Option<&str> {
        self.unreadable
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e.as_str())
    }

    /// The name diagnostics use for this file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Parses the text (YAML 1.2, which includes JSON) into a JSON value; parsed once, then
    /// copied.
    pub fn parse(&self) -> Result<Value, Box<Diagnostic>> {
        self.parsed.get_or_init(|| self.parse_text()).clone()
    }

    fn parse_text(&self) -> Result<Value, Box<Diagnostic>> {
        if self.text.trim().is_empty() {
            // Nothing to point at but the start of the file.
            return Err(Box::new(Diagnostic {
                position: Some(LineCol { line: 1, column: 1 }),
                ..self.diag(Severity::Error, "", "the file is empty")
            }));
        }
        // A JSON text is read as JSON first: faster than the YAML parser, and an integer beyond
        // 64 bits (a `maximum` of 2^64) is a float there rather than an error. Anything that is
        // not plain JSON goes to the YAML parser, which also reports the errors.
        if self.text.trim_start().starts_with('{')
            && let Ok(value) = serde_json::from_str::<Value>(&self.text)
        {
            return Ok(value);
        }
        serde_yaml_ng::from_str::<Value>(&self.text).map_err(|err| {
            // An error the parser does not place (a second document, say) is about the whole
            // file, which starts at 1:1.
            let position = Some(
                err.location()
                    .map_or(LineCol { line: 1, column: 1 }, |loc| {
                        within(&line_widths(&self.text), loc.line(), loc.column())
                    }),
            );
            let mut message = err.to_string();
            // serde_yaml_ng appends " at line X column Y"; the position is reported separately.
            if let Some(cut) = message.find(" at line ") {
                message.truncate(cut);
            }
            Box::new(Diagnostic {
                severity: Severity::Error,
                file: self.name.clone(),
                pointer: String::new(),
                position,
                message: format!("not valid YAML or JSON: {message}"),
            })
        })
    }

    /// Line and column of the node a JSON pointer names, or of its nearest located ancestor;
    /// the start of the file when no ancestor is located.
    pub fn locate(&self, pointer: &str) -> Option<LineCol> {
        let index = self.index.get_or_init(|| build_index(&self.text));
        let mut p = pointer;
        loop {
            if let Some(pos) = index.get(p) {
                return Some(*pos);
            }
            match p.rfind('/') {
                Some(cut) => p = &p[..cut],
                // The root is the whole file, which starts at 1:1, whether or not the index has
                // it (a document of comments only, or one the indexer could not read).
                None => return Some(LineCol { line: 1, column: 1 }),
            }
        }
    }

    /// A diagnostic at `pointer` in this file.
    pub fn diag(
        &self,
        severity: Severity,
        pointer: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            file: self.name.clone(),
            pointer: pointer.to_string(),
            position: self.locate(pointer),
            message: message.into(),
        }
    }
}

/// How many characters each line of `text` holds.
fn line_widths(text: &str) -> Vec<usize> {
    text.split('\n').map(|l| l.chars().count()).collect()
}

/// A parser's line and column as a position inside a text whose lines are `widths` characters
/// wide: a parser may report the end of the input as the line after the last, which is clamped
/// to just after the last character.
fn within(widths: &[usize], line: usize, column: usize) -> LineCol {
    let last = widths.len().max(1);
    if line == 0 || line > last {
        let width = widths.last().copied().unwrap_or(0);
        return LineCol {
            line: last,
            column: width + 1,
        };
    }
    let width = widths[line - 1];
    LineCol {
        line,
        column: column.clamp(1, width + 1),
    }
}

/// Where each node of the document starts, keyed by JSON pointer, within the text (the
/// indexer may place a node at the end of the input, past its last line). A mapping value is
/// located at its key, which is where a reader looks for it.
fn build_index(text: &str) -> HashMap<String, LineCol> {
    let mut builder = IndexBuilder::default();
    let mut parser = Parser::new_from_str(text);
    // A document that does not parse has no index; its diagnostics then carry no position.
    if parser.load(&mut builder, false).is_err() {
        return HashMap::new();
    }
    let widths = line_widths(text);
    let mut index = builder.index;
    for pos in index.values_mut() {
        *pos = within(&widths, pos.line, pos.column);
    }
    index
}

enum Frame {
    Map {
        pointer: String,
        key: Option<(String, LineCol)>,
    },
    Seq {
        pointer: String,
        next: usize,
    },
}

#[derive(Default)]
struct IndexBuilder {
    stack: Vec<Frame>,
    index: HashMap<String, LineCol>,
}

impl IndexBuilder {
    /// The pointer and position of the node that starts now, advancing the parent's state.
    /// Returns `None` when the node is a mapping key (recorded for the value that follows).
    fn place(&mut self, mark: LineCol, key_text: Option<&str>) -> Option<(String, LineCol)> {
        match self.stack.last_mut() {
            None => Some((String::new(), mark)),
            Some(Frame::Seq { pointer, next }) => {
                let p = format!("{pointer}/{next}");
                *next += 1;
                Some((p, mark))
            }
            Some(Frame::Map { pointer, key }) => match key.take() {
                Some((k, at)) => Some((format!("{pointer}/{}", escape_token(&k)), at)),
                None => {
                    *key = Some((key_text.unwrap_or_default().to_string(), mark));
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for IndexBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = LineCol {
            line: mark.line(),
            column: mark.col() + 1,
        };
        match ev {
            Event::Scalar(value, ..) => {
                if let Some((p, pos)) = self.place(at, Some(&value)) {
                    self.index.entry(p).or_insert(pos);
                }
            }
            Event::Alias(_) => {
                if let Some((p, pos)) = self.place(at, Some("")) {
                    self.index.entry(p).or_insert(pos);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                // A collection used as a mapping key cannot be named by a pointer; give it a
                // placeholder so the value after it still lines up.
                let (p, pos) = self
                    .place(at, Some(""))
                    .unwrap_or_else(|| (String::from("\u{0}"), at));
                self.index.entry(p.clone()).or_insert(pos);
                self.stack.push(if is_map {
                    Frame::Map {
                        pointer: p,
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        pointer: p,
                        next: 0,
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "openapi: 3.0.3\npaths:\n  /contacts/{id}:\n    get:\n      operationId: ShowContact\n      tags: [a, b]\n";

    #[test]
    fn json_with_an_integer_beyond_64_bits_parses_and_stays_located() {
        let text = "{\"openapi\": \"3.0.0\",\n \"x\": {\"maximum\": 18446744073709552000}}";
        let src = SpecSource::new("x.json", text);
        let doc = src.parse().expect("parses");
        assert_eq!(doc["x"]["maximum"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(
            src.locate("/x/maximum"),
            Some(LineCol { line: 2, column: 8 })
        );
        // Not plain JSON: the YAML parser reads it, and places its errors.
        let err = SpecSource::new("y.json", "{\"a\": [1,}")
            .parse()
            .unwrap_err();
        assert!(err.message.starts_with("not valid YAML or JSON"), "{err}");
        assert!(err.position.is_some());
    }

    #[test]
    fn locates_keys_by_pointer() {
        let src = SpecSource::new("x.yaml", DOC);
        assert_eq!(src.locate("/openapi"), Some(LineCol { line: 1, column: 1 }));
        assert_eq!(
            src.locate("/paths/~1contacts~1{id}/get/operationId"),
            Some(LineCol { line: 5, column: 7 })
        );
        assert_eq!(
            src.locate("/paths/~1contacts~1{id}/get/tags/1"),
            Some(LineCol {
                line: 6,
                column: 17
            })
        );
    }

    #[test]
    fn unknown_pointer_falls_back_to_nearest_ancestor() {
        let src = SpecSource::new("x.yaml", DOC);
        assert_eq!(
            src.locate("/paths/~1contacts~1{id}/get/responses/200"),
            Some(LineCol { line: 4, column: 5 })
        );
    }

    #[test]
    fn invalid_yaml_reports_line_and_column() {
        let src = SpecSource::new("x.yaml", "openapi: 3.0.3\npaths: [\n");
        let err = src.parse().unwrap_err();
        assert!(err.position.is_some(), "{err}");
        assert!(err.to_string().starts_with("error: x.yaml:"), "{err}");
    }

    #[test]
    fn positions_stay_inside_the_text() {
        // The parser reports the end of this input as line 2; the text has one line.
        let err = SpecSource::new("x.yaml", "{ந").parse().unwrap_err();
        assert_eq!(err.position, Some(LineCol { line: 1, column: 3 }), "{err}");
        // The indexer places this root node (an anchored complex key) on line 2.
        let src = SpecSource::new("x.yaml", "&a?\u{113c2}");
        assert_eq!(src.locate(""), Some(LineCol { line: 1, column: 5 }));
        let err = SpecSource::new("x.yaml", " \n").parse().unwrap_err();
        assert_eq!(err.position, Some(LineCol { line: 1, column: 1 }), "{err}");
        assert_eq!(err.message, "the file is empty");
    }
}
