//! Specs written as several files: references into other files (`$ref:
//! 'contacts.yaml#/components/schemas/contact'`) made into references within one document, with
//! every node's origin kept so that diagnostics point into the file it was written in.
//!
//! The rules, in the order they apply:
//! - A component of the root file that is nothing but a reference into another file
//!   (`components: {schemas: {contact: {$ref: 'contacts.yaml#/…'}}}`) gives that target its name.
//! - Every component of every other file (`/components/<kind>/<name>`) joins the root's
//!   components under its own name; a name already taken gets the first free numeric suffix, with
//!   a warning.
//! - A reference to one of those, or to a node inside one, becomes a reference within the
//!   document (`#/components/schemas/contact`). Any other reference into another file (a path
//!   item, a schema in a file of its own) is replaced by a copy of its target, with the members
//!   written beside the reference laid over it.
//!
//! A reference to a file that could not be read, or to a node that file lacks, stays as written
//! with a warning at the reference (the operations that use it are then left out); so does a
//! reference that would copy a node into itself. A file that is not valid YAML or JSON is an
//! error located in it. A spec given as one file is left exactly as it is.
//!
//! One file over 500 lines: the rules above are one traversal of the files, whose state (the
//! components gathered, their new names, the origins kept) every step reads and writes; a third
//! of the file is the tests of that traversal.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::base::pointer::{escape_token, join, unescape_token};
use crate::load::SpecSource;
use crate::load::context::{Ctx, R};
use crate::load::provenance::{self, Prov};

/// The kinds of component a file may hold under `components`.
const KINDS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// Members whose values are data, not schemas: a `$ref` inside them is not a reference.
const DATA: [&str; 4] = ["example", "default", "enum", "const"];

/// The names of the files that the relative references of `source` reach, resolved against
/// its folder, in document order and without repeats.
pub(crate) fn files_named(source: &SpecSource) -> Vec<String> {
    let Ok(doc) = source.parse() else {
        return Vec::new();
    };
    let mut refs = Vec::new();
    references(&doc, false, &mut refs);
    let mut out: Vec<String> = Vec::new();
    for r in refs {
        if let (Some(file), _) = split(&r)
            && let Some(name) = resolve_name(source.name(), file)
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    out
}

/// Every `$ref` string under `node`, skipping data; `names` says the members of `node` are
/// names (of properties, say) rather than keywords.
fn references(node: &Value, names: bool, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if !names && let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            for (key, child) in map {
                if !names && DATA.contains(&key.as_str()) {
                    continue;
                }
                if !names && key == "examples" {
                    example_references(child, out);
                    continue;
                }
                references(child, !names && names_below(key), out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| references(i, false, out)),
        _ => {}
    }
}

/// The references among example objects (`examples: {name: {$ref: …}}`); their values are data.
fn example_references(examples: &Value, out: &mut Vec<String>) {
    if let Value::Object(map) = examples {
        for example in map.values() {
            if let Some(Value::String(r)) = example.get("$ref") {
                out.push(r.clone());
            }
        }
    }
}

/// Whether the members of a keyword's value are names rather than keywords.
fn names_below(key: &str) -> bool {
    matches!(
        key,
        "properties" | "patternProperties" | "$defs" | "definitions"
    )
}

/// A reference split into its file part (none for a reference within the same file) and its
/// fragment, the JSON pointer (percent-decoded).
fn split(reference: &str) -> (Option<&str>, String) {
    let (file, fragment) = match reference.split_once('#') {
        Some((file, fragment)) => (file, fragment),
        None => (reference, ""),
    };
    let fragment = percent_encoding::percent_decode_str(fragment)
        .decode_utf8()
        .map_or_else(|_| fragment.to_string(), |f| f.into_owned());
    ((!file.is_empty()).then_some(file), fragment)
}

/// The name of the file `file` names from the file `base`: relative to `base`'s folder, with `.`
/// and `..` segments removed. `None` for a URI with a scheme (`https:`), which is not read.
fn resolve_name(base: &str, file: &str) -> Option<String> {
    let scheme = file
        .split_once(':')
        .is_some_and(|(s, _)| s.len() > 1 && s.chars().all(|c| c.is_ascii_alphanumeric()));
    if scheme {
        return None;
    }
    let mut segments: Vec<&str> = if file.starts_with('/') {
        Vec::new()
    } else {
        let mut parts: Vec<&str> = base.split('/').collect();
        parts.pop();
        parts
    };
    let absolute = file.starts_with('/') || base.starts_with('/');
    for segment in file.split('/') {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|s| *s != ".." && !s.is_empty()) => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let joined = segments
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

/// Makes `doc` (the root file, parsed) one document with the other files of the spec, and keeps
/// in `ctx` where each node came from. Does nothing for a spec of one file.
pub(crate) fn resolve(ctx: &mut Ctx<'_>, doc: &mut Value) -> R<()> {
    let src = ctx.src;
    if src.files().is_empty() && src.unreadable.is_empty() {
        return Ok(());
    }
    let mut docs = vec![std::mem::take(doc)];
    for file in src.files() {
        docs.push(file.parse()?);
    }
    let mut bundler = Bundler {
        ctx,
        docs: &docs,
        registry: BTreeMap::new(),
        active: Vec::new(),
    };
    let targets = bundler.register()?;
    let (mut out, mut prov) = bundler.copy(&docs[0], 0, "", false)?;
    for Target {
        file,
        from,
        kind,
        name,
    } in targets
    {
        let Some(target) = docs[file].pointer(&from) else {
            continue;
        };
        bundler.active.push((file, from.clone()));
        let (value, origin) = bundler.copy(target, file, &from, false)?;
        bundler.active.pop();
        provenance::insert(
            &mut out,
            &mut prov,
            &["components", kind],
            &name,
            value,
            origin,
        );
    }
    *doc = out;
    ctx.prov = Some(prov);
    Ok(())
}

/// A node of another file that becomes a component of the bundle.
struct Target {
    /// The file it is in.
    file: usize,
    /// Its pointer there.
    from: String,
    /// The kind of component it becomes.
    kind: &'static str,
    /// Its name among them.
    name: String,
}

struct Bundler<'c, 'a, 'd> {
    ctx: &'c mut Ctx<'a>,
    /// The parsed files: the root first, then the spec's other files in order.
    docs: &'d [Value],
    /// Where each named target ends up: (file, pointer) → pointer in the bundle.
    registry: BTreeMap<(usize, String), String>,
    /// The targets being copied, outermost first, to stop a copy of a node into itself.
    active: Vec<(usize, String)>,
}

impl<'a> Bundler<'_, 'a, '_> {
    /// Registers the root's named references and every other file's components; returns the
    /// nodes of other files that become components.
    fn register(&mut self) -> R<Vec<Target>> {
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut targets = Vec::new();
        for kind in KINDS {
            let Some(Value::Object(members)) = self.docs[0].pointer(&format!("/components/{kind}"))
            else {
                continue;
            };
            for (name, member) in members {
                let at = format!("/components/{kind}/{}", escape_token(name));
                taken.insert(at.clone());
                if let Some(Value::String(r)) = member.get("$ref")
                    && member.as_object().is_some_and(|m| m.len() == 1)
                    && let Some((file, from)) = self.target(0, r)
                    && file != 0
                    && !self.registry.contains_key(&(file, from.clone()))
                {
                    self.registry.insert((file, from.clone()), at);
                    targets.push(Target {
                        file,
                        from,
                        kind,
                        name: name.clone(),
                    });
                }
            }
        }
        for file in 1..self.docs.len() {
            for kind in KINDS {
                let Some(Value::Object(members)) =
                    self.docs[file].pointer(&format!("/components/{kind}"))
                else {
                    continue;
                };
                for name in members.keys() {
                    let from = format!("/components/{kind}/{}", escape_token(name));
                    if self.registry.contains_key(&(file, from.clone())) {
                        continue;
                    }
                    let mut at = from.clone();
                    let mut n = 2;
                    while taken.contains(&at) {
                        at = format!("/components/{kind}/{}", escape_token(&format!("{name}{n}")));
                        n += 1;
                    }
                    if at != from {
                        let source = self.source(file);
                        self.ctx.warn_in(
                            source,
                            &from,
                            format!(
                                "another file of the spec has a component of this name; this one is `#{at}` in the bundled spec"
                            ),
                        )?;
                    }
                    let key = at
                        .rsplit('/')
                        .next()
                        .map(unescape_token)
                        .unwrap_or_default();
                    taken.insert(at.clone());
                    self.registry.insert((file, from.clone()), at);
                    targets.push(Target {
                        file,
                        from,
                        kind,
                        name: key,
                    });
                }
            }
        }
        Ok(targets)
    }

    /// The source of file `file`.
    fn source(&self, file: usize) -> &'a SpecSource {
        let src: &'a SpecSource = self.ctx.src;
        match file.checked_sub(1) {
            Some(i) => &src.files()[i],
            None => src,
        }
    }

    /// The file and pointer a reference written in file `from` names, when that file is one of
    /// the spec's.
    fn target(&self, from: usize, reference: &str) -> Option<(usize, String)> {
        let (file, fragment) = split(reference);
        let Some(file) = file else {
            return Some((from, fragment));
        };
        let name = resolve_name(self.source(from).name(), file)?;
        let index = self.index_of(&name)?;
        Some((index, fragment))
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        if self.ctx.src.name() == name {
            return Some(0);
        }
        self.ctx
            .src
            .files()
            .iter()
            .position(|f| f.name() == name)
            .map(|i| i + 1)
    }

    /// A copy of `value` (found at `pointer` of file `file`) with its references resolved, and
    /// its origin; `names` says its members are names rather than keywords.
    fn copy(&mut self, value: &Value, file: usize, pointer: &str, names: bool) -> R<(Value, Prov)> {
        match value {
            Value::Object(map) => {
                if !names && let Some(Value::String(r)) = map.get("$ref") {
                    return self.reference(map, r, file, pointer);
                }
                let mut out = Map::new();
                let mut kids = BTreeMap::new();
                for (key, child) in map {
                    let at = join(pointer, key);
                    let (v, p) = if !names && DATA.contains(&key.as_str()) {
                        (child.clone(), Prov::of(child, file, &at))
                    } else if !names && key == "examples" {
                        self.examples(child, file, &at)?
                    } else if !names && key == "discriminator" {
                        self.discriminator(child, file, &at)
                    } else {
                        self.copy(child, file, &at, !names && names_below(key))?
                    };
                    out.insert(key.clone(), v);
                    kids.insert(key.clone(), p);
                }
                Ok((Value::Object(out), Prov::map(file, pointer, kids)))
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut kids = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let (v, p) = self.copy(item, file, &format!("{pointer}/{i}"), false)?;
                    out.push(v);
                    kids.push(p);
                }
                Ok((Value::Array(out), Prov::seq(file, pointer, kids)))
            }
            _ => Ok((value.clone(), Prov::of(value, file, pointer))),
        }
    }

    /// Example objects: each may be a reference; its value is data.
    fn examples(&mut self, value: &Value, file: usize, pointer: &str) -> R<(Value, Prov)> {
        let Value::Object(map) = value else {
            return Ok((value.clone(), Prov::of(value, file, pointer)));
        };
        let mut out = Map::new();
        let mut kids = BTreeMap::new();
        for (name, example) in map {
            let at = join(pointer, name);
            let (v, p) = match example {
                Value::Object(m) if m.get("$ref").is_some_and(Value::is_string) => {
                    let r = m.get("$ref").and_then(Value::as_str).unwrap_or_default();
                    self.reference(m, r, file, &at)?
                }
                _ => (example.clone(), Prov::of(example, file, &at)),
            };
            out.insert(name.clone(), v);
            kids.insert(name.clone(), p);
        }
        Ok((Value::Object(out), Prov::map(file, pointer, kids)))
    }

    /// A discriminator, its mapping's references into other files made references within the
    /// document.
    fn discriminator(&self, value: &Value, file: usize, pointer: &str) -> (Value, Prov) {
        let mut out = value.clone();
        if let Some(Value::Object(mapping)) = out.get_mut("mapping") {
            for target in mapping.values_mut() {
                if let Value::String(r) = target
                    && r.contains('#')
                    && let Some(t) = self.target(file, r)
                    && let Some(at) = self.named(&t)
                {
                    *r = format!("#{at}");
                }
            }
        }
        (out, Prov::of(value, file, pointer))
    }

    /// The pointer in the bundle of a registered target, or of a node inside one.
    fn named(&self, (file, pointer): &(usize, String)) -> Option<String> {
        let (key, at) = self
            .registry
            .range(..=(*file, pointer.clone()))
            .next_back()
            .filter(|((f, p), _)| {
                f == file && (pointer == p || pointer.starts_with(&format!("{p}/")))
            })?;
        Some(format!("{at}{}", &pointer[key.1.len()..]))
    }

    /// A reference (the object `map` holding it, at `pointer` of file `file`), resolved.
    fn reference(
        &mut self,
        map: &Map<String, Value>,
        reference: &str,
        file: usize,
        pointer: &str,
    ) -> R<(Value, Prov)> {
        let as_written = Value::Object(map.clone());
        let unchanged = |v: &Value| Ok((v.clone(), Prov::of(v, file, pointer)));
        let (named_file, _) = split(reference);
        if file == 0 && named_file.is_none() {
            return unchanged(&as_written);
        }
        let here = join(pointer, "$ref");
        let Some(target) = self.target(file, reference) else {
            if let Some(name) = named_file.and_then(|f| resolve_name(self.source(file).name(), f)) {
                let why = self.ctx.src.unreadable(&name).map_or_else(
                    || "it is not one of the spec's files".to_string(),
                    str::to_string,
                );
                let source = self.source(file);
                self.ctx
                    .warn_in(source, &here, format!("cannot read {name}: {why}"))?;
            }
            return unchanged(&as_written);
        };
        if let Some(at) = self.named(&target) {
            let mut out = map.clone();
            out.insert("$ref".into(), Value::String(format!("#{at}")));
            let mut kids = BTreeMap::new();
            for (key, child) in map {
                kids.insert(key.clone(), Prov::of(child, file, &join(pointer, key)));
            }
            return Ok((Value::Object(out), Prov::map(file, pointer, kids)));
        }
        let (target_file, target_pointer) = target;
        let docs = self.docs;
        let Some(node) = docs[target_file].pointer(&target_pointer) else {
            let source = self.source(file);
            let name = self.source(target_file).name();
            self.ctx.warn_in(
                source,
                &here,
                format!("the reference points nowhere: {name} has no node at #{target_pointer}"),
            )?;
            return unchanged(&as_written);
        };
        let key = (target_file, target_pointer.clone());
        let inside = pointer == target_pointer
            || target_pointer.is_empty()
            || pointer.starts_with(&format!("{target_pointer}/"));
        if self.active.contains(&key) || (target_file == file && inside) {
            let source = self.source(file);
            self.ctx.warn_in(
                source,
                &here,
                "the reference leads back into itself; declare its target under `components` to refer to it by name",
            )?;
            return unchanged(&as_written);
        }
        self.active.push(key);
        let copied = self.copy(node, target_file, &target_pointer, false);
        self.active.pop();
        let (mut value, mut origin) = copied?;
        // Members written beside the reference are laid over its target.
        let siblings: Map<String, Value> = map
            .iter()
            .filter(|(k, _)| k.as_str() != "$ref")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !siblings.is_empty() && value.is_object() {
            for (key, sibling) in siblings {
                let (v, p) = self.copy(&sibling, file, &join(pointer, &key), false)?;
                provenance::insert(&mut value, &mut origin, &[], &key, v, p);
            }
        }
        Ok((value, origin))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ROOT: &str = "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    $ref: 'things.yaml#/paths/~1things'
components:
  schemas:
    named:
      $ref: 'parts/named.yaml'
";

    const THINGS: &str = "\
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/thing'
components:
  schemas:
    thing:
      type: object
      properties:
        colour:
          $ref: 'parts/named.yaml'
        size:
          $ref: '#/components/schemas/thing/properties/colour'
        example:
          type: string
          example: {$ref: 'not/a/file.yaml'}
";

    const NAMED: &str = "type: string\ndescription: a name\n";

    fn spec() -> SpecSource {
        SpecSource::new("spec/root.yaml", ROOT)
            .with_file("spec/things.yaml", THINGS)
            .with_file("spec/parts/named.yaml", NAMED)
    }

    fn bundled(src: &SpecSource) -> (Value, Vec<crate::base::diag::Diagnostic>, Ctx<'_>) {
        let mut ctx = Ctx::new(src, false);
        let mut doc = src.parse().expect("parses");
        resolve(&mut ctx, &mut doc).expect("bundles");
        let warnings = std::mem::take(&mut ctx.warnings);
        (doc, warnings, ctx)
    }

    #[test]
    fn files_become_one_document_with_references_inside_it() {
        let src = spec();
        let (doc, warnings, _) = bundled(&src);
        assert!(warnings.is_empty(), "{warnings:?}");
        let get = &doc["paths"]["/things"]["get"];
        assert_eq!(get["operationId"], "listThings");
        assert_eq!(
            get["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/thing"})
        );
        let thing = &doc["components"]["schemas"]["thing"];
        assert_eq!(
            thing["properties"]["colour"],
            json!({"$ref": "#/components/schemas/named"})
        );
        assert_eq!(
            thing["properties"]["size"],
            json!({"$ref": "#/components/schemas/thing/properties/colour"})
        );
        // Data that looks like a reference stays data, and names no file to read.
        assert_eq!(
            thing["properties"]["example"]["example"],
            json!({"$ref": "not/a/file.yaml"})
        );
        assert_eq!(
            doc["components"]["schemas"]["named"],
            json!({"type": "string", "description": "a name"})
        );
    }

    #[test]
    fn nodes_are_located_in_the_file_they_were_written_in() {
        let src = spec();
        let (_, _, ctx) = bundled(&src);
        let origin = ctx.origin("/paths/~1things/get/operationId");
        assert_eq!(origin.file, "spec/things.yaml");
        assert_eq!(origin.pointer, "/paths/~1things/get/operationId");
        assert_eq!(origin.position.map(|p| p.line), Some(4));
        let origin = ctx.origin("/components/schemas/named/description");
        assert_eq!(origin.file, "spec/parts/named.yaml");
        assert_eq!(origin.pointer, "/description");
        assert_eq!(origin.position.map(|p| p.line), Some(2));
        let origin = ctx.origin("/components/schemas/thing/properties/size/$ref");
        assert_eq!(origin.file, "spec/things.yaml");
        assert_eq!(origin.position.map(|p| p.line), Some(20));
        assert_eq!(ctx.origin("/info/title").file, "spec/root.yaml");
    }

    #[test]
    fn a_component_name_taken_by_another_file_gets_a_suffix_and_a_warning() {
        let src = SpecSource::new(
            "root.yaml",
            "openapi: 3.0.3\npaths:\n  /a:\n    $ref: 'a.yaml#/paths/~1a'\ncomponents:\n  schemas:\n    thing: {type: string}\n",
        )
        .with_file(
            "a.yaml",
            "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/thing'\ncomponents:\n  schemas:\n    thing: {type: integer}\n",
        );
        let (doc, warnings, _) = bundled(&src);
        assert_eq!(doc["components"]["schemas"]["thing"]["type"], "string");
        assert_eq!(doc["components"]["schemas"]["thing2"]["type"], "integer");
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/thing2"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].file, "a.yaml");
        assert_eq!(warnings[0].pointer, "/components/schemas/thing");
        assert!(
            warnings[0].message.contains("#/components/schemas/thing2"),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn references_that_cannot_be_followed_stay_with_a_located_warning() {
        let src = SpecSource::read("spec/root.yaml", |name| match name {
            "spec/root.yaml" => Ok("openapi: 3.0.3\npaths:\n  /a:\n    $ref: 'a.yaml#/paths/~1a'\n  /b:\n    $ref: 'gone.yaml#/paths/~1b'\n".into()),
            "spec/a.yaml" => Ok("paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/nowhere'\n        - $ref: '#/paths/~1a/get/parameters/1'\n".into()),
            _ => Err("no such file".into()),
        })
        .expect("the root reads");
        assert_eq!(src.files().len(), 1);
        let (doc, warnings, _) = bundled(&src);
        let messages: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "warning: spec/a.yaml:5:11: #/paths/~1a/get/parameters/0/$ref: the reference points nowhere: spec/a.yaml has no node at #/nowhere",
                "warning: spec/a.yaml:6:11: #/paths/~1a/get/parameters/1/$ref: the reference leads back into itself; declare its target under `components` to refer to it by name",
                "warning: spec/root.yaml:6:5: #/paths/~1b/$ref: cannot read spec/gone.yaml: no such file",
            ]
        );
        assert_eq!(doc["paths"]["/b"], json!({"$ref": "gone.yaml#/paths/~1b"}));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0],
            json!({"$ref": "#/nowhere"})
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error_located_in_it() {
        let src = SpecSource::new(
            "root.yaml",
            "openapi: 3.0.3\npaths:\n  /a:\n    $ref: 'a.yaml#/x'\n",
        )
        .with_file("a.yaml", "x: [\n");
        let mut ctx = Ctx::new(&src, false);
        let mut doc = src.parse().expect("parses");
        let err = resolve(&mut ctx, &mut doc).expect_err("a.yaml is not YAML");
        assert_eq!(err.file, "a.yaml");
        assert!(err.position.is_some(), "{err}");
    }

    #[test]
    fn members_beside_a_copied_reference_are_laid_over_it() {
        let src = SpecSource::new(
            "root.yaml",
            "openapi: 3.0.3\ncomponents:\n  schemas:\n    a:\n      $ref: 'b.yaml'\n      description: mine\n",
        )
        .with_file("b.yaml", "type: string\ndescription: theirs\n");
        let (doc, warnings, _) = bundled(&src);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            doc["components"]["schemas"]["a"],
            json!({"type": "string", "description": "mine"})
        );
    }

    #[test]
    fn a_spec_of_one_file_is_left_as_it_is() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    $ref: 'elsewhere.yaml#/a'\n";
        let src = SpecSource::new("root.yaml", text);
        let (doc, warnings, ctx) = bundled(&src);
        assert!(warnings.is_empty() && ctx.prov.is_none());
        assert_eq!(doc, src.parse().expect("parses"));
    }

    #[test]
    fn file_names_resolve_against_the_referring_file() {
        assert_eq!(
            resolve_name("spec/root.yaml", "a.yaml").as_deref(),
            Some("spec/a.yaml")
        );
        assert_eq!(
            resolve_name("spec/x/y.yaml", "../a.yaml").as_deref(),
            Some("spec/a.yaml")
        );
        assert_eq!(
            resolve_name("spec/root.yaml", "./p/../q/b.json").as_deref(),
            Some("spec/q/b.json")
        );
        assert_eq!(
            resolve_name("root.yaml", "../up.yaml").as_deref(),
            Some("../up.yaml")
        );
        assert_eq!(
            resolve_name("/abs/root.yaml", "a.yaml").as_deref(),
            Some("/abs/a.yaml")
        );
        assert_eq!(
            resolve_name("root.yaml", "/etc/a.yaml").as_deref(),
            Some("/etc/a.yaml")
        );
        assert_eq!(
            resolve_name("root.yaml", "https://example.com/a.yaml"),
            None
        );
        assert_eq!(
            split("a.yaml#/x~1y%7Bid%7D"),
            (Some("a.yaml"), "/x~1y{id}".to_string())
        );
        assert_eq!(split("#/components"), (None, "/components".to_string()));
        assert_eq!(split("b.yaml"), (Some("b.yaml"), String::new()));
    }

    #[test]
    fn reading_follows_references_from_file_to_file_once_each() {
        let mut asked = Vec::new();
        let src = SpecSource::read("root.yaml", |name| {
            asked.push(name.to_string());
            Ok(match name {
                "root.yaml" => "paths: {$ref: 'a.yaml#/p'}\nx: {$ref: 'a.yaml#/q'}\n",
                "a.yaml" => "p: {$ref: 'sub/b.yaml'}\nq: 1\n",
                "sub/b.yaml" => {
                    "c: {$ref: '../a.yaml#/q'}\nd: {$ref: 'https://example.com/x.yaml'}\n"
                }
                _ => "",
            }
            .to_string())
        })
        .expect("reads");
        assert_eq!(asked, ["root.yaml", "a.yaml", "sub/b.yaml"]);
        let names: Vec<&str> = src.files().iter().map(SpecSource::name).collect();
        assert_eq!(names, ["a.yaml", "sub/b.yaml"]);
        let err = SpecSource::read("root.yaml", |_| Err("denied".into())).err();
        assert_eq!(err.as_deref(), Some("cannot read root.yaml: denied"));
    }
}
