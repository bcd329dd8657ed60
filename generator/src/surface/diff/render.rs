//! The report as Markdown (for people: one line per change) and as JSON (for tools: every field
//! of every change).

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{ApiDiff, Change, Check, Impact};
use crate::surface::Origin;

/// How many operations a Markdown line names before it counts the rest.
const OPERATIONS_SHOWN: usize = 3;

impl ApiDiff {
    /// The report as Markdown: errors, a summary line, then one bullet per change with its
    /// check id, the operations that reach it and where it is in the specs.
    pub fn to_markdown(&self) -> String {
        if self.changes.is_empty() && self.errors.is_empty() {
            return "no API change\n".to_string();
        }
        let mut out = String::from("## API changes\n\n");
        for e in &self.errors {
            let _ = writeln!(out, "- **error**: {e}");
        }
        if !self.errors.is_empty() {
            out.push('\n');
        }
        let accepted = self
            .changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking && c.accepted)
            .count();
        let accepted = if accepted > 0 {
            format!(" ({accepted} accepted)")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{} breaking{accepted}, {} additive, {} info\n",
            self.breaking(),
            self.additive(),
            self.info()
        );
        for c in &self.changes {
            let _ = writeln!(out, "- {}", markdown_line(c));
        }
        out
    }

    /// The report as JSON: a summary, the errors, and each change with its check id, severity,
    /// item, message, operations, whether it is accepted and its location in each spec.
    pub fn to_json(&self) -> Value {
        json!({
            "summary": {
                "breaking": self.breaking(),
                "unaccepted_breaking": self.unaccepted_breaking(),
                "additive": self.additive(),
                "info": self.info(),
            },
            "errors": self.errors,
            "changes": self.changes.iter().map(change_json).collect::<Vec<_>>(),
        })
    }
}

fn markdown_line(c: &Change) -> String {
    let severity = match c.impact {
        Impact::Breaking => "**breaking**",
        Impact::Additive => "additive",
        Impact::Info => "info",
    };
    let accepted = if c.accepted { ", accepted" } else { "" };
    let mut line = format!("{severity}{accepted} `{}`: {}", c.check, c.text);
    // An operation's own changes need not say that the operation uses them.
    let own = matches!(
        c.check,
        Check::OperationAdded
            | Check::OperationRemoved
            | Check::OperationRenamed
            | Check::OperationSignatureChanged
            | Check::ParameterRenamed
            | Check::ParameterAdded
            | Check::ParameterRemoved
            | Check::ParameterReordered
            | Check::ParameterTypeChanged
            | Check::ResponseTypeChanged
    );
    if !c.operations.is_empty() && !own {
        let shown: Vec<String> = c
            .operations
            .iter()
            .take(OPERATIONS_SHOWN)
            .map(|o| format!("`{o}`"))
            .collect();
        let more = c.operations.len().saturating_sub(OPERATIONS_SHOWN);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let _ = write!(line, "; used by {}{more}", shown.join(", "));
    }
    let place = |o: &Origin| match o.position {
        Some(p) => format!("{}:{}:{}", o.file, p.line, p.column),
        None => format!("{} #{}", o.file, o.pointer),
    };
    match (&c.old, &c.new) {
        (Some(a), Some(b)) => {
            let _ = write!(line, "; at {} → {}", place(a), place(b));
        }
        (Some(a), None) | (None, Some(a)) => {
            let _ = write!(line, "; at {}", place(a));
        }
        (None, None) => {}
    }
    line
}

fn origin_json(o: Option<&Origin>) -> Value {
    match o {
        None => Value::Null,
        Some(o) => json!({
            "file": o.file,
            "pointer": o.pointer,
            "line": o.position.map(|p| p.line),
            "column": o.position.map(|p| p.column),
        }),
    }
}

fn change_json(c: &Change) -> Value {
    json!({
        "check": c.check.id(),
        "severity": c.impact.as_str(),
        "item": c.item,
        "message": c.text,
        "operations": c.operations,
        "accepted": c.accepted,
        "old": origin_json(c.old.as_ref()),
        "new": origin_json(c.new.as_ref()),
    })
}
