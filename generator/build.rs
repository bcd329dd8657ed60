//! Embeds the files of the crates a generated client builds on, the runtime and the contract
//! (each one's manifest and every source file), so that standalone crates get a copy of exactly
//! what `intercom-client` builds on, with no list kept by hand.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut out = String::from("&[\n");
    // In name order, as the standalone crate lists them.
    for krate in ["contract", "runtime"] {
        let root = manifest.join("..").join(krate);
        let mut files = vec![PathBuf::from("Cargo.toml")];
        collect(&root, Path::new("src"), &mut files);
        files.sort();
        for rel in &files {
            let abs = root.join(rel);
            println!("cargo:rerun-if-changed={}", abs.display());
            let _ = writeln!(
                out,
                "    ({:?}, include_str!({:?})),",
                Path::new(krate).join(rel).display().to_string(),
                abs.display().to_string()
            );
        }
        println!("cargo:rerun-if-changed={}", root.join("src").display());
    }
    out.push(']');
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("runtime_files.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

fn collect(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = rel.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            collect(root, &name, out);
        } else if name.extension().is_some_and(|e| e == "rs") {
            out.push(name);
        }
    }
}
