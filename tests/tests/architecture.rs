//! The layering of the generator and the runtime keeps itself: every `crate::…` path of a file
//! (its `use` lines and paths in code, tests left out) names a module of the same phase or of an
//! earlier one, in the generator's order `base` → `load` → `passes` → `types` → `model` →
//! `emit` → `surface` → `lib.rs`; and no two files of either crate import each other, directly
//! or around a circle. A failure names the files. And a hand-written file over 500 lines says at
//! its top why it is one file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use intercom_tests::workspace_root;
use syn::visit::Visit;

/// The generator's phases, in pipeline order; `lib.rs` comes last.
const PHASES: [&str; 7] = [
    "base", "load", "passes", "types", "model", "emit", "surface",
];

/// A crate's source files by module path (`passes::facts`, `""` for the root).
fn modules(src: &Path) -> BTreeMap<String, String> {
    fn walk(dir: &Path, src: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("a source folder")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, src, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).expect("under src");
                let mut parts: Vec<String> = rel
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    parts.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    parts.pop();
                }
                out.insert(parts.join("::"), rel.display().to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out);
    out
}

/// The `crate::…` and `super::…` paths a file names outside its `#[cfg(test)]` modules, as
/// absolute module paths (`passes::facts::ApiFacts`).
struct Paths<'a> {
    module: &'a str,
    found: BTreeSet<String>,
}

impl Paths<'_> {
    fn add(&mut self, segments: Vec<String>) {
        let mut segments = segments.into_iter().peekable();
        let mut base: Vec<String> = match segments.peek().map(String::as_str) {
            Some("crate") => {
                segments.next();
                Vec::new()
            }
            Some("super") => {
                let mut base: Vec<String> = self
                    .module
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                while segments.peek().map(String::as_str) == Some("super") {
                    segments.next();
                    base.pop();
                }
                base
            }
            _ => return,
        };
        base.extend(segments);
        self.found.insert(base.join("::"));
    }
}

fn is_test_module(m: &syn::ItemMod) -> bool {
    m.attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// The paths a `use` tree names, each as its segments.
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut path = prefix.clone();
            if n.ident != "self" {
                path.push(n.ident.to_string());
            }
            out.push(path);
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push(path);
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_paths(t, prefix, out)),
    }
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test_module(m) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let mut out = Vec::new();
        use_paths(&u.tree, &mut Vec::new(), &mut out);
        for path in out {
            self.add(path);
        }
    }

    // `pub(crate)` names no module.
    fn visit_vis_restricted(&mut self, _: &'ast syn::VisRestricted) {}

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.add(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }
}

/// The names the crate root re-exports (`pub use error::{ApiError, Error}`), each with the
/// module path it comes from: a path through the root to one of them leads to that module.
fn root_exports(src: &Path, root: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(src.join(root)).expect("the crate root");
    let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{root}: {e}"));
    let mut out = BTreeMap::new();
    for item in parsed.items {
        if let syn::Item::Use(u) = item
            && matches!(u.vis, syn::Visibility::Public(_))
        {
            let mut paths = Vec::new();
            use_paths(&u.tree, &mut Vec::new(), &mut paths);
            for mut path in paths {
                if path.first().is_some_and(|s| s == "crate") {
                    path.remove(0);
                }
                if let Some(name) = path.pop() {
                    out.insert(name, path.join("::"));
                }
            }
        }
    }
    out
}

/// Each file's imports: the files of the modules its paths name (the longest module path that
/// begins each; a name the root re-exports leads to the module it comes from), itself left out.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(src);
    let exports = modules
        .get("")
        .map(|root| root_exports(src, root))
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(src.join(file)).expect("a readable source file");
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut paths = Paths {
            module,
            found: BTreeSet::new(),
        };
        paths.visit_file(&parsed);
        let mut targets = BTreeSet::new();
        for path in paths.found {
            let path = match path
                .split_once("::")
                .map_or((path.as_str(), ""), |(a, b)| (a, b))
            {
                (first, rest) if !modules.contains_key(first) && exports.contains_key(first) => {
                    format!("{}::{first}::{rest}", exports[first])
                }
                _ => path.clone(),
            };
            let mut segments: Vec<&str> = path.split("::").collect();
            // The longest module path that begins the path; the root's own items (the crate
            // root is the module `""`) when none does.
            loop {
                let candidate = segments.join("::");
                if let Some(target) = modules.get(&candidate) {
                    if target != file {
                        targets.insert(target.clone());
                    }
                    break;
                }
                if segments.pop().is_none() {
                    break;
                }
            }
        }
        out.insert(file.clone(), targets);
    }
    out
}

/// The phase of a generator file: its folder's place in [`PHASES`]; `lib.rs` after them all.
fn phase(file: &str) -> usize {
    let top = file.split('/').next().unwrap_or(file);
    PHASES
        .iter()
        .position(|p| *p == top)
        .unwrap_or(PHASES.len())
}

/// The circles among the files: each group of two or more files that reach one another.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(f) = todo.pop() {
            for next in graph.get(&f).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|f| (f, reach(f))).collect();
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for (f, from_f) in &reached {
        let group: Vec<String> = from_f
            .iter()
            .filter(|g| reached.get(g).is_some_and(|r| r.contains(*f)))
            .cloned()
            .collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups.into_iter().collect()
}

fn circle_report(name: &str, graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    circles(graph)
        .into_iter()
        .map(|group| {
            let edges: Vec<String> = group
                .iter()
                .flat_map(|a| {
                    graph[a]
                        .iter()
                        .filter(|b| group.contains(b))
                        .map(move |b| format!("{a} imports {b}"))
                })
                .collect();
            format!(
                "{name}: files import each other in a circle: {}",
                edges.join("; ")
            )
        })
        .collect()
}

#[test]
fn the_generator_imports_only_down_its_pipeline_and_without_circles() {
    let graph = imports(&workspace_root().join("generator/src"));
    assert!(graph.len() > 40, "only {} files found", graph.len());
    let mut problems = Vec::new();
    for (file, targets) in &graph {
        for target in targets {
            if phase(target) > phase(file) {
                problems.push(format!(
                    "generator/src/{file} imports generator/src/{target}, of a later phase ({} after {})",
                    PHASES.get(phase(target)).unwrap_or(&"lib.rs"),
                    PHASES.get(phase(file)).unwrap_or(&"lib.rs"),
                ));
            }
        }
    }
    problems.extend(circle_report("generator/src", &graph));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_runtime_has_no_circles() {
    let graph = imports(&workspace_root().join("runtime/src"));
    assert!(graph.len() > 15, "only {} files found", graph.len());
    let problems = circle_report("runtime/src", &graph);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checks find what they look for: an upward import and a circle in a made-up graph.
#[test]
fn the_checks_see_an_upward_import_and_a_circle() {
    assert!(phase("emit/print.rs") > phase("types/mod.rs"));
    assert_eq!(phase("lib.rs"), PHASES.len());
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a.rs", vec!["b.rs"]),
        ("b.rs", vec!["c.rs"]),
        ("c.rs", vec!["a.rs"]),
        ("d.rs", vec!["a.rs"]),
    ]
    .into_iter()
    .map(|(f, t)| (f.to_string(), t.into_iter().map(str::to_string).collect()))
    .collect();
    let report = circle_report("x", &graph);
    assert_eq!(
        report,
        [
            "x: files import each other in a circle: a.rs imports b.rs; b.rs imports c.rs; c.rs imports a.rs"
        ]
    );
}

/// The hand-written Rust files of the workspace, relative to its root: every `.rs` file under
/// the crates' source and test folders but those `cargo xtask regen` writes.
fn hand_written_files() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a readable source file");
                if text.starts_with("// @generated") {
                    continue;
                }
                let rel = path.strip_prefix(root).expect("under the root");
                out.push((rel.display().to_string(), text));
            }
        }
    }
    let root = workspace_root();
    let mut out = Vec::new();
    for krate in [
        "generator",
        "runtime",
        "contract",
        "generated-client",
        "cli",
        "mock",
        "xtask",
        "tests",
        "test-support",
        "benches",
    ] {
        for folder in ["src", "tests", "benches"] {
            walk(&root.join(krate).join(folder), &root, &mut out);
        }
    }
    out.sort();
    out
}

/// A file over 500 lines says, in its opening doc comment, why it is one file.
#[test]
fn long_files_say_why_they_are_one_file() {
    let files = hand_written_files();
    assert!(files.len() > 100, "only {} files found", files.len());
    let unexplained: Vec<String> = files
        .iter()
        .filter(|(_, text)| text.lines().count() > 500)
        .filter(|(_, text)| {
            let opening: String = text
                .lines()
                .take_while(|l| l.starts_with("//!") || l.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            !opening.contains("500 lines")
        })
        .map(|(path, text)| format!("{path} ({} lines)", text.lines().count()))
        .collect();
    assert!(
        unexplained.is_empty(),
        "files over 500 lines without a word at their top on why they are one file: {}",
        unexplained.join(", ")
    );
}
