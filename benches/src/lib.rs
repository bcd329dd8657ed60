//! What the benchmarks share: the example contact from the spec, a larger contact built from it,
//! the hand-written serde types the generated ones are compared against, and the result files.
//!
//! Each bench writes its figures as one JSON object to `target/bench/<name>.json`;
//! `cargo xtask bench` reads them.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Map, Value, json};

/// The root file of the spec the checked-in client is generated from, relative to the
/// workspace root; its other files are beside it.
pub const SPEC: &str = "spec/intercom-2.10.yaml";

/// The file of the spec that holds the contacts' operations.
pub const CONTACTS_SPEC: &str = "spec/contacts.yaml";

/// The files of the spec the checked-in client is generated from, by their names relative to
/// the workspace root: the root file and every file beside it.
pub fn spec_files() -> std::collections::BTreeMap<String, String> {
    let dir = workspace_root().join("spec");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| {
            let name = format!(
                "spec/{}",
                e.expect("an entry").file_name().to_string_lossy()
            );
            let text = read_workspace_file(&name);
            (name, text)
        })
        .collect()
}

/// Intercom's published spec, relative to the workspace root.
pub const UPSTREAM_SPEC: &str = "../shared/upstream/intercom-openapi-2.10.yaml";

/// Intercom's published Preview description (252 operations), beside the workspace.
pub const PREVIEW_SPEC: &str = "../shared/upstream/intercom-openapi-preview.yaml";

/// The workspace root (the parent of this package).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Reads a file relative to the workspace root, or panics naming it: a bench without its input
/// has nothing to measure.
pub fn read_workspace_file(rel: &str) -> String {
    let path = workspace_root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `successful` example of `GET /contacts/{id}` in the spec: the contact the API
/// documentation shows, 52 fields, most of them null.
pub fn example_contact() -> Value {
    const SPEC: &str = CONTACTS_SPEC;
    let text = read_workspace_file(SPEC);
    let spec: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{SPEC} is not YAML: {e}"));
    let example = &spec["paths"]["/contacts/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["examples"]["successful"]["value"];
    assert!(
        example.is_mapping(),
        "{SPEC} has no `successful` example for GET /contacts/{{id}}"
    );
    serde_json::to_value(example).expect("the example converts to JSON")
}

/// The example contact with 10 tags in `tags.data` and 100 custom attributes of mixed types:
/// a contact of a workspace that uses Intercom in earnest.
pub fn large_contact(example: &Value) -> Value {
    let mut contact = example.clone();
    let id = contact["id"].as_str().unwrap_or("0").to_string();
    let tags: Vec<Value> = (0..10)
        .map(|i| {
            json!({
                "type": "tag",
                "id": format!("{}", 8_400_000 + i),
                "url": format!("/tags/{}", 8_400_000 + i),
            })
        })
        .collect();
    contact["tags"]["data"] = Value::Array(tags);
    contact["tags"]["total_count"] = json!(10);
    contact["tags"]["url"] = json!(format!("/contacts/{id}/tags"));
    let mut attributes = Map::new();
    for i in 0..100 {
        // Strings, numbers, booleans and nulls, as a workspace's custom data mixes them.
        let value = match i % 4 {
            0 => json!(format!("value of attribute {i}, plain text")),
            1 => json!(1_700_000_000 + i * 37),
            2 => json!(i % 3 == 0),
            _ => Value::Null,
        };
        attributes.insert(format!("custom_attribute_{i:03}"), value);
    }
    contact["custom_attributes"] = Value::Object(attributes);
    contact
}

/// A contact as someone would write it by hand for reqwest + serde from the API reference:
/// the same 52 fields and nesting as the generated `intercom_client::types::Contact`, plain
/// `#[derive(Deserialize)]`, `Option` where the reference says a field may be null or absent.
pub mod hand {
    use std::collections::HashMap;

    use serde::Deserialize;

    /// A contact.
    #[derive(Debug, Deserialize)]
    pub struct Contact {
        /// Always `contact`.
        #[serde(rename = "type")]
        pub type_: String,
        /// Intercom's id.
        pub id: String,
        /// The workspace.
        pub workspace_id: Option<String>,
        /// Your id.
        pub external_id: Option<String>,
        /// `user` or `lead`.
        pub role: Option<String>,
        /// Email address.
        pub email: Option<String>,
        /// Phone number.
        pub phone: Option<String>,
        /// Full name.
        pub name: Option<String>,
        /// Avatar image URL.
        pub avatar: Option<String>,
        /// Owning admin.
        pub owner_id: Option<i64>,
        /// Social network profiles.
        pub social_profiles: Option<SocialProfiles>,
        /// Hard bounce flag.
        pub has_hard_bounced: Option<bool>,
        /// Spam flag.
        pub marked_email_as_spam: Option<bool>,
        /// Email opt-out.
        pub unsubscribed_from_emails: Option<bool>,
        /// UNIX time.
        pub created_at: Option<i64>,
        /// UNIX time.
        pub updated_at: Option<i64>,
        /// UNIX time.
        pub signed_up_at: Option<i64>,
        /// UNIX time.
        pub last_seen_at: Option<i64>,
        /// UNIX time.
        pub last_replied_at: Option<i64>,
        /// UNIX time.
        pub last_contacted_at: Option<i64>,
        /// UNIX time.
        pub last_email_opened_at: Option<i64>,
        /// UNIX time.
        pub last_email_clicked_at: Option<i64>,
        /// Messenger language.
        pub language_override: Option<String>,
        /// Browser.
        pub browser: Option<String>,
        /// Browser version.
        pub browser_version: Option<String>,
        /// Browser language.
        pub browser_language: Option<String>,
        /// Operating system.
        pub os: Option<String>,
        /// Location.
        pub location: Option<Location>,
        /// Android app.
        pub android_app_name: Option<String>,
        /// Android app version.
        pub android_app_version: Option<String>,
        /// Android device.
        pub android_device: Option<String>,
        /// Android OS version.
        pub android_os_version: Option<String>,
        /// Android SDK version.
        pub android_sdk_version: Option<String>,
        /// UNIX time.
        pub android_last_seen_at: Option<i64>,
        /// iOS app.
        pub ios_app_name: Option<String>,
        /// iOS app version.
        pub ios_app_version: Option<String>,
        /// iOS device.
        pub ios_device: Option<String>,
        /// iOS version.
        pub ios_os_version: Option<String>,
        /// iOS SDK version.
        pub ios_sdk_version: Option<String>,
        /// UNIX time.
        pub ios_last_seen_at: Option<i64>,
        /// Workspace-defined attributes.
        #[serde(default)]
        pub custom_attributes: HashMap<String, serde_json::Value>,
        /// Tags (first page).
        pub tags: Option<List>,
        /// Notes (first page).
        pub notes: Option<List>,
        /// Companies (first page).
        pub companies: Option<List>,
        /// Subscription types opted out of.
        pub opted_out_subscription_types: Option<List>,
        /// Subscription types opted into.
        pub opted_in_subscription_types: Option<List>,
        /// UTM campaign.
        pub utm_campaign: Option<String>,
        /// UTM content.
        pub utm_content: Option<String>,
        /// UTM medium.
        pub utm_medium: Option<String>,
        /// UTM source.
        pub utm_source: Option<String>,
        /// UTM term.
        pub utm_term: Option<String>,
        /// Referring page.
        pub referrer: Option<String>,
    }

    /// The first page of a list of references.
    #[derive(Debug, Deserialize)]
    pub struct List {
        /// Always `list`.
        #[serde(rename = "type")]
        pub type_: Option<String>,
        /// The references.
        #[serde(default)]
        pub data: Vec<Reference>,
        /// Where to fetch the rest.
        pub url: Option<String>,
        /// Total count.
        pub total_count: Option<i64>,
        /// More than `data` holds.
        pub has_more: Option<bool>,
    }

    /// A reference to another object.
    #[derive(Debug, Deserialize)]
    pub struct Reference {
        /// Its kind.
        #[serde(rename = "type")]
        pub type_: Option<String>,
        /// Its id.
        pub id: Option<String>,
        /// Where to fetch it.
        pub url: Option<String>,
    }

    /// Social network profiles.
    #[derive(Debug, Deserialize)]
    pub struct SocialProfiles {
        /// Always `list`.
        #[serde(rename = "type")]
        pub type_: Option<String>,
        /// The profiles.
        #[serde(default)]
        pub data: Vec<SocialProfile>,
    }

    /// One social network profile.
    #[derive(Debug, Deserialize)]
    pub struct SocialProfile {
        /// Always `social_profile`.
        #[serde(rename = "type")]
        pub type_: Option<String>,
        /// The network.
        pub name: Option<String>,
        /// The profile's address.
        pub url: Option<String>,
    }

    /// Where the contact is.
    #[derive(Debug, Deserialize)]
    pub struct Location {
        /// Always `location`.
        #[serde(rename = "type")]
        pub type_: Option<String>,
        /// Country name.
        pub country: Option<String>,
        /// Region or state.
        pub region: Option<String>,
        /// City.
        pub city: Option<String>,
        /// ISO country code.
        pub country_code: Option<String>,
        /// Continent code.
        pub continent_code: Option<String>,
    }
}

/// The cargo target folder: `CARGO_TARGET_DIR` if set, else the nearest folder above the
/// running executable that cargo marked with `CACHEDIR.TAG`, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|dir| dir.join("CACHEDIR.TAG").is_file())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Writes one bench's figures to `target/bench/<name>.json` and says where.
pub fn write_result(name: &str, figures: &Value) {
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let path = dir.join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(figures).expect("figures serialise");
    std::fs::write(&path, text + "\n")
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    eprintln!("wrote {}", path.display());
}

/// The one-minute load average, recorded beside the figures: a machine busy with other work
/// during a run makes its figures noisier.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The value at quantile `q` (0..=1) of an ascending slice: the nearest-rank definition, so the
/// result is always an observed value.
pub fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `a / b`, rounded to three decimals for the report.
pub fn ratio(a: f64, b: f64) -> f64 {
    round(a / b, 3)
}

/// Rounds to `places` decimals, so result files stay readable.
pub fn round(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}

/// Criterion's median time per iteration, in ns, of `group/id`, if this run measured it: a file
/// older than `since` is a previous run's (a filter on the command line left the benchmark out),
/// and is not reported.
pub fn criterion_median_ns(group: &str, id: &str, since: SystemTime) -> Option<f64> {
    // Criterion's own rule for where it writes: `CRITERION_HOME`, else `<target>/criterion`.
    let dir = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("criterion"));
    let path = dir.join(group).join(id).join("new/estimates.json");
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since);
    if !fresh {
        return None;
    }
    let estimates: Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}
