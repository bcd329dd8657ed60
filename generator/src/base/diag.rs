//! Located diagnostics: every warning and error names the spec file, a JSON pointer and, where
//! the parser kept it, the line and column.

use std::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The generator worked around the problem and went on.
    Warning,
    /// Generation stopped.
    Error,
}

/// A line and column in the spec file, both 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// One problem found in a spec, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// The spec file as it was named to the generator.
    pub file: String,
    /// JSON pointer into the spec (`/paths/~1contacts~1{id}/get`); empty for the whole document.
    pub pointer: String,
    /// Line and column of the pointed-to node, where known.
    pub position: Option<LineCol>,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{kind}: {}", self.file)?;
        if let Some(pos) = self.position {
            write!(f, ":{}:{}", pos.line, pos.column)?;
        }
        write!(f, ": #{}: {}", self.pointer, self.message)
    }
}

/// A place in a spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The spec file as it was named to the generator.
    pub file: String,
    /// JSON pointer into the spec, without the leading `#`.
    pub pointer: String,
    /// Line and column of the pointed-to node (or its nearest located ancestor), where known.
    pub position: Option<LineCol>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(pos) = self.position {
            write!(f, ":{}:{}", pos.line, pos.column)?;
        }
        write!(f, " #{}", self.pointer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_position_and_pointer() {
        let d = Diagnostic {
            severity: Severity::Error,
            file: "spec/x.yaml".into(),
            pointer: "/paths".into(),
            position: Some(LineCol { line: 3, column: 1 }),
            message: "no paths".into(),
        };
        assert_eq!(d.to_string(), "error: spec/x.yaml:3:1: #/paths: no paths");
    }
}
