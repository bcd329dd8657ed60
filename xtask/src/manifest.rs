//! The client crate's Cargo features by resource, kept in step with the spec: `regen` writes the
//! block between two marker lines of `generated-client/Cargo.toml` (one feature per tag of the
//! spec, and `full` enabling them all); the rest of the manifest is the team's.

/// The line that opens the block.
pub const BEGIN: &str =
    "# Features by resource, written by `cargo xtask regen` from the spec's tags:";
/// The line that closes the block.
pub const END: &str = "# (end of the features by resource)";

/// `manifest` with its block of features replaced by one for `features`.
pub fn with_features(rel: &str, manifest: &str, features: &[String]) -> Result<String, String> {
    let missing = || {
        format!(
            "error: {rel} has no block of features by resource; add the lines\n{BEGIN}\n{END}\nunder [features]"
        )
    };
    let start = manifest.find(BEGIN).ok_or_else(missing)?;
    let body_start = start + BEGIN.len();
    let end = manifest[body_start..].find(END).ok_or_else(missing)? + body_start;
    let quoted: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    let mut block = format!("\nfull = [{}]\n", quoted.join(", "));
    for feature in features {
        block.push_str(&format!("{feature} = []\n"));
    }
    Ok(format!(
        "{}{block}{}",
        &manifest[..body_start],
        &manifest[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_replaced_and_the_rest_kept() {
        let manifest =
            format!("[features]\ndefault = [\"full\"]\n{BEGIN}\nold = []\n{END}\nx = []\n");
        let out = with_features("m", &manifest, &["a".into(), "b-c".into()]).unwrap();
        assert_eq!(
            out,
            format!(
                "[features]\ndefault = [\"full\"]\n{BEGIN}\nfull = [\"a\", \"b-c\"]\na = []\nb-c = []\n{END}\nx = []\n"
            )
        );
        assert_eq!(
            with_features("m", &out, &["a".into(), "b-c".into()]).unwrap(),
            out
        );
        let err = with_features("Cargo.toml", "[features]\n", &[]).unwrap_err();
        assert!(err.contains("Cargo.toml has no block"), "{err}");
    }
}
