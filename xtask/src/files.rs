//! Writing what the commands produce so that a failure leaves the previous result intact: one
//! file through a temporary file renamed over it, a whole folder through a temporary folder
//! renamed over it.

use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};

/// What [`ensure_file_contents`] does when the file differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write the new contents.
    Write,
    /// Write nothing; print a unified diff of what would change.
    Check,
}

/// Makes `rel` (relative to `root`) hold `contents`. In check mode it writes nothing and prints
/// a unified diff of what would change. Returns whether the file differed. Writes go to a
/// temporary file in the same folder, renamed over the target, so a failure leaves the old file
/// intact.
pub fn ensure_file_contents(
    root: &Path,
    rel: &str,
    contents: &str,
    mode: Mode,
) -> Result<bool, String> {
    let path = root.join(rel);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old == contents {
        return Ok(false);
    }
    match mode {
        Mode::Check => {
            let diff = similar::TextDiff::from_lines(&old, contents);
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
            );
        }
        Mode::Write => write_atomically(&path, contents)
            .map_err(|e| format!("error: cannot write {rel}: {e}"))?,
    }
    Ok(true)
}

/// Writes `contents` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Replaces the folder `out` with one holding `files` (each a path relative to `out` and its
/// contents) as a whole.
///
/// The files are written to a fresh temporary folder beside `out`. Whatever an existing `out`
/// holds at paths that `files` does not write (a `target/` folder, a `Cargo.lock`) is copied
/// into it. Then the old `out` is renamed aside, the new folder renamed into place and the old
/// one removed. On any failure the old `out` is left as it was (renamed back if it had been
/// moved) and the temporary folder is removed.
pub fn replace_dir(out: &Path, files: &[(String, String)]) -> Result<(), String> {
    let existing = match std::fs::symlink_metadata(out) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => return Err(format!("{} exists and is not a folder", out.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(format!("cannot read {}: {e}", out.display())),
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = out
        .file_name()
        .ok_or_else(|| format!("{} does not name a folder", out.display()))?
        .to_string_lossy()
        .into_owned();
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let tmp = fresh_dir(parent, &format!(".{name}.new"))
        .map_err(|e| format!("cannot create a folder in {}: {e}", parent.display()))?;
    let filled = fill(&tmp, out, files).and_then(|()| {
        if existing {
            copy_missing(out, &tmp)
        } else {
            Ok(())
        }
    });
    if let Err(e) = filled {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if !existing {
        return std::fs::rename(&tmp, out).map_err(|e| {
            let _ = std::fs::remove_dir_all(&tmp);
            format!("cannot rename {} to {}: {e}", tmp.display(), out.display())
        });
    }
    let aside = unused_name(parent, &format!(".{name}.old"));
    if let Err(e) = std::fs::rename(out, &aside) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(format!("cannot move {} aside: {e}", out.display()));
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        let restored = std::fs::rename(&aside, out);
        let _ = std::fs::remove_dir_all(&tmp);
        let mut message = format!("cannot rename {} to {}: {e}", tmp.display(), out.display());
        if let Err(r) = restored {
            message.push_str(&format!(
                "; the previous contents are in {}: {r}",
                aside.display()
            ));
        }
        return Err(message);
    }
    // The new folder is in place; a leftover old one is only clutter.
    if let Err(e) = std::fs::remove_dir_all(&aside) {
        eprintln!("warning: cannot remove {}: {e}", aside.display());
    }
    Ok(())
}

/// Writes `files` under `dir`. Errors name the path the file is meant for under `out`.
fn fill(dir: &Path, out: &Path, files: &[(String, String)]) -> Result<(), String> {
    for (rel, contents) in files {
        let rel_path = Path::new(rel);
        if !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(format!("`{rel}` is not a path inside the crate"));
        }
        let path = dir.join(rel_path);
        let written = match path.parent() {
            Some(p) => std::fs::create_dir_all(p),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(&path, contents));
        written.map_err(|e| format!("cannot write {}: {e}", out.join(rel_path).display()))?;
    }
    Ok(())
}

/// Copies into `to` every entry of `from` for which `to` has nothing at the same path,
/// descending into folders both have.
fn copy_missing(from: &Path, to: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(from)
        .and_then(|entries| entries.collect::<io::Result<Vec<_>>>())
        .map_err(|e| format!("cannot list {}: {e}", from.display()))?;
    for entry in entries {
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        match std::fs::symlink_metadata(&target) {
            Ok(meta) => {
                if kind.is_dir() && meta.is_dir() {
                    copy_missing(&source, &target)?;
                }
                // Otherwise the new contents win.
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => copy_entry(&source, &target, kind)
                .map_err(|e| format!("cannot copy {}: {e}", source.display()))?,
            Err(e) => return Err(format!("cannot read {}: {e}", target.display())),
        }
    }
    Ok(())
}

/// Copies one file, symbolic link or whole folder.
fn copy_entry(from: &Path, to: &Path, kind: std::fs::FileType) -> io::Result<()> {
    if kind.is_dir() {
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_entry(
                &entry.path(),
                &to.join(entry.file_name()),
                entry.file_type()?,
            )?;
        }
        Ok(())
    } else if kind.is_symlink() {
        copy_link(from, to)
    } else {
        std::fs::copy(from, to).map(drop)
    }
}

/// Recreates the symbolic link `from` at `to`.
#[cfg(unix)]
fn copy_link(from: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
}

/// Copies what the link `from` points to, where links cannot be recreated portably.
#[cfg(not(unix))]
fn copy_link(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::copy(from, to).map(drop)
}

/// Creates a new, empty folder in `parent` whose name starts with `prefix`.
fn fresh_dir(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    for n in 0u32.. {
        let dir = parent.join(format!("{prefix}-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("every folder name is taken")
}

/// A path in `parent`, starting with `prefix`, where nothing exists yet.
fn unused_name(parent: &Path, prefix: &str) -> PathBuf {
    let taken: BTreeSet<_> = std::fs::read_dir(parent)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    (0u32..)
        .map(|n| format!("{prefix}-{}-{n}", std::process::id()))
        .find(|name| !taken.contains(std::ffi::OsStr::new(name)))
        .map(|name| parent.join(name))
        .unwrap_or_else(|| parent.join(prefix))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Every file under `dir` (recursively) and its bytes, keyed by relative path.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(base, &path, out);
                } else {
                    let rel = path.strip_prefix(base).unwrap().to_path_buf();
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    /// The names of the entries of `dir`.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect()
    }

    /// An output folder as a previous run leaves it, with a build folder and a lock file.
    fn previous_output(parent: &Path) -> PathBuf {
        let out = parent.join("client");
        std::fs::create_dir_all(out.join("src")).unwrap();
        std::fs::create_dir_all(out.join("target/debug")).unwrap();
        std::fs::write(out.join("Cargo.toml"), "[package]\nname = \"old\"\n").unwrap();
        std::fs::write(out.join("src/lib.rs"), "// old\n").unwrap();
        std::fs::write(out.join("Cargo.lock"), "# lock\n").unwrap();
        std::fs::write(out.join("target/debug/libold.rlib"), [0u8, 1, 2, 255]).unwrap();
        out
    }

    #[test]
    fn a_failure_part_way_leaves_the_previous_output_as_it_was() {
        let parent = tempfile::tempdir().unwrap();
        let out = previous_output(parent.path());
        let before = snapshot(&out);
        // `src` is written as a file, so `src/lib.rs` cannot be created after it.
        let new = files(&[
            ("Cargo.toml", "[package]\nname = \"new\"\n"),
            ("src", "not a folder"),
            ("src/lib.rs", "// new\n"),
        ]);

        let err = replace_dir(&out, &new).unwrap_err();

        assert!(err.starts_with("cannot write "), "{err}");
        assert!(err.contains("lib.rs"), "{err}");
        assert_eq!(snapshot(&out), before);
        assert_eq!(
            names(parent.path()),
            ["client"],
            "a temporary folder is left"
        );
    }

    #[test]
    fn a_path_outside_the_folder_is_refused_and_nothing_changes() {
        let parent = tempfile::tempdir().unwrap();
        let out = previous_output(parent.path());
        let before = snapshot(&out);

        let err = replace_dir(&out, &files(&[("a", "1"), ("../escaped", "2")])).unwrap_err();

        assert!(err.contains("not a path inside the crate"), "{err}");
        assert_eq!(snapshot(&out), before);
        assert_eq!(names(parent.path()), ["client"]);
    }

    #[test]
    fn the_new_files_replace_the_old_and_unwritten_ones_are_kept() {
        let parent = tempfile::tempdir().unwrap();
        let out = previous_output(parent.path());

        replace_dir(
            &out,
            &files(&[
                ("Cargo.toml", "[package]\nname = \"new\"\n"),
                ("src/lib.rs", "// new\n"),
                ("src/generated.rs", "// generated\n"),
            ]),
        )
        .unwrap();

        let after = snapshot(&out);
        let text = |rel: &str| String::from_utf8(after[Path::new(rel)].clone()).unwrap();
        assert_eq!(text("Cargo.toml"), "[package]\nname = \"new\"\n");
        assert_eq!(text("src/lib.rs"), "// new\n");
        assert_eq!(text("src/generated.rs"), "// generated\n");
        assert_eq!(text("Cargo.lock"), "# lock\n");
        assert_eq!(
            after[Path::new("target/debug/libold.rlib")],
            [0u8, 1, 2, 255]
        );
        assert_eq!(after.len(), 5, "{:?}", after.keys());
        assert_eq!(
            names(parent.path()),
            ["client"],
            "a temporary folder is left"
        );
    }

    #[test]
    fn a_missing_output_folder_is_created() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("nested/client");

        replace_dir(&out, &files(&[("Cargo.toml", "x"), ("src/lib.rs", "y")])).unwrap();

        assert_eq!(snapshot(&out).len(), 2);
        assert_eq!(names(&parent.path().join("nested")), ["client"]);
    }

    #[test]
    fn check_mode_writes_nothing_and_reports_the_difference() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("f.rs"), "old\n").unwrap();

        assert!(ensure_file_contents(root.path(), "f.rs", "new\n", Mode::Check).unwrap());
        assert_eq!(
            std::fs::read_to_string(root.path().join("f.rs")).unwrap(),
            "old\n"
        );
        assert!(!ensure_file_contents(root.path(), "f.rs", "old\n", Mode::Check).unwrap());

        assert!(ensure_file_contents(root.path(), "f.rs", "new\n", Mode::Write).unwrap());
        assert_eq!(
            std::fs::read_to_string(root.path().join("f.rs")).unwrap(),
            "new\n"
        );
        assert_eq!(names(root.path()), ["f.rs"]);
    }
}
