//! Comparing operations: renames (the same method and path under a new operationId), then
//! each operation's arguments — renamed in place, added, removed, retyped, reordered — and
//! result.

use super::compare::{At, Compare};
use crate::surface::diff::Check;
use crate::surface::{Item, Key};

impl Compare<'_> {
    pub(super) fn operations(&mut self) {
        let removed: Vec<&str> = self
            .old
            .ops
            .keys()
            .copied()
            .filter(|k| !self.new.ops.contains_key(k))
            .collect();
        let added: Vec<&str> = self
            .new
            .ops
            .keys()
            .copied()
            .filter(|k| !self.old.ops.contains_key(k))
            .collect();
        // A removed and an added operation with the same method and path are one operation
        // under a new operationId. Without locations (a surface read from text), the same
        // signature under a new name is taken for a rename.
        let mut renames: Vec<(&str, &str, &str)> = Vec::new();
        for &from in &removed {
            let route = self.old.route(from);
            let to = added.iter().copied().find(|&to| {
                if renames.iter().any(|(_, t, _)| *t == to) {
                    return false;
                }
                match (&route, self.new.route(to)) {
                    (Some(a), Some(b)) => *a == b,
                    (None, _) | (_, None) => self.old.ops.get(from) == self.new.ops.get(to),
                }
            });
            if let Some(to) = to {
                let how = if route.is_some() {
                    "same method and path, new operationId"
                } else {
                    "same signature"
                };
                renames.push((from, to, how));
            }
        }
        for &name in &removed {
            if renames.iter().any(|(f, _, _)| *f == name) {
                continue;
            }
            let key = Key::operation(name).to_string();
            self.push(
                Check::OperationRemoved,
                name.to_string(),
                format!(
                    "operation `{name}` removed (was `{}`)",
                    self.signature_text(false, name)
                ),
                At {
                    old: Some(&key),
                    operations: vec![name.to_string()],
                    ..At::default()
                },
            );
        }
        for &name in &added {
            if renames.iter().any(|(_, t, _)| *t == name) {
                continue;
            }
            let key = Key::operation(name).to_string();
            self.push(
                Check::OperationAdded,
                name.to_string(),
                format!(
                    "operation `{name}` added: `{}`",
                    self.signature_text(true, name)
                ),
                At {
                    new: Some(&key),
                    operations: vec![name.to_string()],
                    ..At::default()
                },
            );
        }
        for (from, to, how) in renames {
            let (old_key, new_key) = (
                Key::operation(from).to_string(),
                Key::operation(to).to_string(),
            );
            self.push(
                Check::OperationRenamed,
                from.to_string(),
                format!("operation `{from}` renamed to `{to}` ({how})"),
                At {
                    old: Some(&old_key),
                    new: Some(&new_key),
                    operations: vec![to.to_string()],
                },
            );
            self.signature(from, to);
        }
        let common: Vec<&str> = self
            .old
            .ops
            .keys()
            .copied()
            .filter(|k| self.new.ops.contains_key(k))
            .collect();
        for name in common {
            if self.old.ops.get(name) != self.new.ops.get(name) {
                self.signature(name, name);
            }
        }
    }

    /// An operation's signature as the surface writes it, from the old or the new side.
    fn signature_text(&self, new: bool, name: &str) -> String {
        let side = if new { &self.new } else { &self.old };
        side.ops
            .get(name)
            .map(|sig| Item::Operation((*sig).clone()).to_string())
            .unwrap_or_default()
    }

    /// The changes between the signatures of one operation, named `from` before and `to` after.
    fn signature(&mut self, from: &str, to: &str) {
        let (Some(&o), Some(&n)) = (self.old.ops.get(from), self.new.ops.get(to)) else {
            return;
        };
        let (old_key, new_key) = (
            Key::operation(from).to_string(),
            Key::operation(to).to_string(),
        );
        let ops = vec![to.to_string()];
        let param_key = |op: &str, p: &str| Key::param(op, p).to_string();
        let old_names: Vec<&str> = o.params.iter().map(|(n, _)| n.as_str()).collect();
        let new_names: Vec<&str> = n.params.iter().map(|(n, _)| n.as_str()).collect();
        let same_set = {
            let (mut a, mut b) = (old_names.clone(), new_names.clone());
            a.sort_unstable();
            b.sort_unstable();
            a == b
        };
        if o.params.len() == n.params.len() && !same_set {
            // Arguments are positional: what matters at each position is the type.
            for ((a, ta), (b, tb)) in o.params.iter().zip(&n.params) {
                let (ka, kb) = (param_key(from, a), param_key(to, b));
                let at = At {
                    old: Some(&ka),
                    new: Some(&kb),
                    operations: ops.clone(),
                };
                if ta == tb && a != b {
                    self.push(
                        Check::ParameterRenamed,
                        format!("{from}({a})"),
                        format!("argument `{a}` of `{from}` renamed to `{b}` (`{ta}`): renamed, not breaking: positional"),
                        at,
                    );
                } else if ta != tb {
                    let renamed = if a == b {
                        String::new()
                    } else {
                        format!(", and renamed to `{b}`")
                    };
                    self.push(
                        Check::ParameterTypeChanged,
                        format!("{from}({a})"),
                        format!(
                            "argument `{a}` of `{from}` changed type: `{ta}` → `{tb}`{renamed}"
                        ),
                        at,
                    );
                }
            }
        } else {
            for (a, ta) in &o.params {
                let ka = param_key(from, a);
                match n.params.iter().find(|(b, _)| b == a) {
                    None => self.push(
                        Check::ParameterRemoved,
                        format!("{from}({a})"),
                        format!("argument `{a}: {ta}` of `{from}` removed"),
                        At {
                            old: Some(&ka),
                            new: Some(&new_key),
                            operations: ops.clone(),
                        },
                    ),
                    Some((_, tb)) if ta != tb => {
                        let kb = param_key(to, a);
                        self.push(
                            Check::ParameterTypeChanged,
                            format!("{from}({a})"),
                            format!("argument `{a}` of `{from}` changed type: `{ta}` → `{tb}`"),
                            At {
                                old: Some(&ka),
                                new: Some(&kb),
                                operations: ops.clone(),
                            },
                        );
                    }
                    Some(_) => {}
                }
            }
            for (b, tb) in &n.params {
                if !o.params.iter().any(|(a, _)| a == b) {
                    let kb = param_key(to, b);
                    self.push(
                        Check::ParameterAdded,
                        format!("{to}({b})"),
                        format!("argument `{b}: {tb}` added to `{to}`"),
                        At {
                            old: Some(&old_key),
                            new: Some(&kb),
                            operations: ops.clone(),
                        },
                    );
                }
            }
            let kept_old: Vec<&str> = old_names
                .iter()
                .copied()
                .filter(|a| new_names.contains(a))
                .collect();
            let kept_new: Vec<&str> = new_names
                .iter()
                .copied()
                .filter(|b| old_names.contains(b))
                .collect();
            if kept_old != kept_new {
                self.push(
                    Check::ParameterReordered,
                    from.to_string(),
                    format!(
                        "arguments of `{from}` reordered: ({}) → ({})",
                        kept_old.join(", "),
                        kept_new.join(", ")
                    ),
                    At {
                        old: Some(&old_key),
                        new: Some(&new_key),
                        operations: ops.clone(),
                    },
                );
            }
        }
        if o.result != n.result {
            self.push(
                Check::ResponseTypeChanged,
                from.to_string(),
                format!("`{from}` returns `{}` instead of `{}`", n.result, o.result),
                At {
                    old: Some(&old_key),
                    new: Some(&new_key),
                    operations: ops,
                },
            );
        }
    }
}
