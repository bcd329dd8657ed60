//! Where each node of a patched document came from: a tree beside the document, changed in
//! step with it, whose every node holds the file (0 for the spec, `i` for the `i`-th patch) and
//! the JSON pointer in that file of the document node at the same place.
//!
//! A diagnostic about the patched document is located through it: a node the spec gave is found
//! in the spec even after an overlay removed an array element before it, and a node an overlay
//! or override added is found in that file. A pointer to a node made later by the generator's
//! own passes (which do not keep this tree) is located at its nearest ancestor that is here,
//! with the remaining tokens appended.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::base::pointer::{join, unescape_token};

/// The origin of one node and of its children.
#[derive(Clone, Debug)]
pub(crate) struct Prov {
    file: usize,
    pointer: String,
    kids: Kids,
}

#[derive(Clone, Debug)]
enum Kids {
    Leaf,
    Map(BTreeMap<String, Prov>),
    Seq(Vec<Prov>),
}

impl Prov {
    /// The origin of `value` and everything in it, found at `pointer` of file `file`.
    pub(crate) fn of(value: &Value, file: usize, pointer: &str) -> Self {
        let kids = match value {
            Value::Object(map) => Kids::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Prov::of(v, file, &join(pointer, k))))
                    .collect(),
            ),
            Value::Array(items) => Kids::Seq(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Prov::of(v, file, &format!("{pointer}/{i}")))
                    .collect(),
            ),
            _ => Kids::Leaf,
        };
        Self {
            file,
            pointer: pointer.to_string(),
            kids,
        }
    }

    /// The origin of a mapping found at `pointer` of file `file`, whose members came from
    /// `kids`.
    pub(crate) fn map(file: usize, pointer: &str, kids: BTreeMap<String, Prov>) -> Self {
        Self {
            file,
            pointer: pointer.to_string(),
            kids: Kids::Map(kids),
        }
    }

    /// The origin of a list found at `pointer` of file `file`, whose elements came from `kids`.
    pub(crate) fn seq(file: usize, pointer: &str, kids: Vec<Prov>) -> Self {
        Self {
            file,
            pointer: pointer.to_string(),
            kids: Kids::Seq(kids),
        }
    }

    /// The file and pointer the node at `pointer` of the patched document came from.
    pub(crate) fn locate(&self, pointer: &str) -> (usize, String) {
        let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
        let mut node = self;
        let mut used = 0;
        for token in &tokens {
            let Some(next) = node.kid(&unescape_token(token)) else {
                break;
            };
            node = next;
            used += 1;
        }
        let mut at = node.pointer.clone();
        for token in &tokens[used..] {
            at.push('/');
            at.push_str(token);
        }
        (node.file, at)
    }

    fn kid(&self, key: &str) -> Option<&Prov> {
        match &self.kids {
            Kids::Map(map) => map.get(key),
            Kids::Seq(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            Kids::Leaf => None,
        }
    }

    fn kid_mut(&mut self, key: &str) -> Option<&mut Prov> {
        match &mut self.kids {
            Kids::Map(map) => map.get_mut(key),
            Kids::Seq(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            Kids::Leaf => None,
        }
    }

    /// Makes the children mirror `value`'s when they are not of its kind (which the functions
    /// below, changing both in step, never leave behind).
    fn mirror(&mut self, value: &Value) {
        let same = matches!(
            (&self.kids, value),
            (Kids::Map(_), Value::Object(_)) | (Kids::Seq(_), Value::Array(_))
        );
        if !same {
            *self = Prov::of(value, self.file, &self.pointer.clone());
        }
    }
}

/// The node at `pointer` in the document and in its origin tree.
pub(crate) fn at_mut<'v, 'p>(
    doc: &'v mut Value,
    prov: &'p mut Prov,
    pointer: &str,
) -> Option<(&'v mut Value, &'p mut Prov)> {
    let mut node = doc;
    let mut origin = prov;
    for token in pointer.split('/').skip(1) {
        let key = unescape_token(token);
        node = match node {
            Value::Object(map) => map.get_mut(&key)?,
            Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
        origin = origin.kid_mut(&key)?;
    }
    Some((node, origin))
}

/// Sets member `key` of the mapping reached from `doc` through the members `parents` (made
/// where missing, as mappings located at the nearest existing one) to `value`, which came from
/// `from`.
pub(crate) fn insert(
    doc: &mut Value,
    prov: &mut Prov,
    parents: &[&str],
    key: &str,
    value: Value,
    from: Prov,
) {
    let mut node = doc;
    let mut origin = prov;
    for parent in parents {
        origin.mirror(node);
        let (Value::Object(map), Kids::Map(kids)) = (node, &mut origin.kids) else {
            return;
        };
        let at = join(&origin.pointer, parent);
        let file = origin.file;
        let child = map
            .entry(parent.to_string())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        let child_origin = kids
            .entry(parent.to_string())
            .or_insert_with(|| Prov::map(file, &at, BTreeMap::new()));
        node = child;
        origin = child_origin;
    }
    origin.mirror(node);
    if let (Value::Object(map), Kids::Map(kids)) = (node, &mut origin.kids) {
        map.insert(key.to_string(), value);
        kids.insert(key.to_string(), from);
    }
}

/// Removes the node at `pointer` (not the root) from the document and the tree.
pub(crate) fn remove(doc: &mut Value, prov: &mut Prov, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = unescape_token(last);
    let Some((node, origin)) = at_mut(doc, prov, parent) else {
        return;
    };
    match node {
        Value::Object(map) => {
            map.remove(&key);
            if let Kids::Map(kids) = &mut origin.kids {
                kids.remove(&key);
            }
        }
        Value::Array(items) => {
            if let Ok(i) = key.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
                if let Kids::Seq(kids) = &mut origin.kids
                    && i < kids.len()
                {
                    kids.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// Appends `value` (each element of it, when it is a list) to the list `target`.
pub(crate) fn append(target: &mut Value, origin: &mut Prov, value: &Value, from: &Prov) {
    origin.mirror(target);
    let (Value::Array(items), Kids::Seq(kids)) = (target, &mut origin.kids) else {
        return;
    };
    match (value, &from.kids) {
        (Value::Array(more), Kids::Seq(more_from)) => {
            items.extend(more.iter().cloned());
            kids.extend(more_from.iter().cloned());
        }
        _ => {
            items.push(value.clone());
            kids.push(from.clone());
        }
    }
}

/// Merges `value` into `target`: members of two mappings merge recursively, anything else is
/// replaced. With `null_removes`, a `null` member removes the member of that name instead.
pub(crate) fn merge(
    target: &mut Value,
    origin: &mut Prov,
    value: &Value,
    from: &Prov,
    null_removes: bool,
) {
    let Value::Object(members) = value else {
        *target = value.clone();
        *origin = from.clone();
        return;
    };
    if !target.is_object() {
        // A mapping replaces what was there; it is built by merging, so that `null` members
        // are dropped the same way.
        *target = Value::Object(serde_json::Map::new());
        *origin = Prov {
            file: from.file,
            pointer: from.pointer.clone(),
            kids: Kids::Map(BTreeMap::new()),
        };
    }
    origin.mirror(target);
    let (Value::Object(map), Kids::Map(kids)) = (target, &mut origin.kids) else {
        return;
    };
    for (key, member) in members {
        let member_from = from
            .kid(key)
            .cloned()
            .unwrap_or_else(|| Prov::of(member, from.file, &join(&from.pointer, key)));
        if null_removes && member.is_null() {
            map.remove(key);
            kids.remove(key);
            continue;
        }
        match (map.get_mut(key), kids.get_mut(key)) {
            (Some(existing), Some(existing_from)) if member.is_object() => {
                merge(existing, existing_from, member, &member_from, null_removes);
            }
            _ if member.is_object() && null_removes => {
                let mut fresh = Value::Null;
                let mut fresh_from = member_from.clone();
                merge(
                    &mut fresh,
                    &mut fresh_from,
                    member,
                    &member_from,
                    null_removes,
                );
                map.insert(key.clone(), fresh);
                kids.insert(key.clone(), fresh_from);
            }
            _ => {
                let mut member = member.clone();
                if null_removes {
                    // A list replaces what was there whole; a `null` member of a mapping in it
                    // means absent, as everywhere else in the file.
                    drop_null_members(&mut member);
                }
                map.insert(key.clone(), member);
                kids.insert(key.clone(), member_from);
            }
        }
    }
}

/// Removes every `null` member of every mapping in `value`, at any depth.
fn drop_null_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_null_members);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_members),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nodes_are_located_in_the_file_they_came_from() {
        let mut doc = json!({"a": [{"x": 1}, {"y": 2}], "b": {"c": 1}});
        let mut prov = Prov::of(&doc, 0, "");
        remove(&mut doc, &mut prov, "/a/0");
        assert_eq!(prov.locate("/a/0/y"), (0, "/a/1/y".to_string()));
        let patch = json!({"b": {"d": {"e": 1}}});
        let patch_from = Prov::of(&patch, 1, "/actions/0/update");
        merge(&mut doc, &mut prov, &patch, &patch_from, false);
        assert_eq!(doc["b"], json!({"c": 1, "d": {"e": 1}}));
        assert_eq!(prov.locate("/b/c"), (0, "/b/c".to_string()));
        assert_eq!(
            prov.locate("/b/d/e/more"),
            (1, "/actions/0/update/b/d/e/more".to_string())
        );
    }

    #[test]
    fn null_removes_a_member_only_when_asked() {
        let mut doc = json!({"a": {"b": 1, "c": 2}});
        let mut prov = Prov::of(&doc, 0, "");
        let patch = json!({"a": {"b": null, "n": {"m": null, "k": 1}}});
        let from = Prov::of(&patch, 1, "");
        let mut kept = doc.clone();
        let mut kept_prov = prov.clone();
        merge(&mut doc, &mut prov, &patch, &from, true);
        assert_eq!(doc, json!({"a": {"c": 2, "n": {"k": 1}}}));
        merge(&mut kept, &mut kept_prov, &patch, &from, false);
        assert_eq!(kept["a"]["b"], Value::Null);
    }

    #[test]
    fn a_null_member_inside_a_replacing_list_means_absent() {
        let mut doc = json!({"s": {"anyOf": [{"required": ["id"]}]}});
        let mut prov = Prov::of(&doc, 0, "");
        let patch = json!({"s": {"anyOf": [
            {"properties": {"id": {"type": "string"}, "user_id": null}},
            [{"x": null, "y": 1}]
        ]}});
        let from = Prov::of(&patch, 1, "");
        merge(&mut doc, &mut prov, &patch, &from, true);
        assert_eq!(
            doc["s"]["anyOf"],
            json!([{"properties": {"id": {"type": "string"}}}, [{"y": 1}]])
        );
        assert_eq!(
            prov.locate("/s/anyOf/0/properties/id"),
            (1, "/s/anyOf/0/properties/id".to_string())
        );
    }

    #[test]
    fn appended_elements_keep_their_origin() {
        let mut doc = json!({"tags": [{"name": "a"}]});
        let mut prov = Prov::of(&doc, 0, "");
        let patch = json!([{"name": "b"}]);
        let from = Prov::of(&patch, 2, "/actions/1/update");
        let (target, origin) = at_mut(&mut doc, &mut prov, "/tags").expect("the list");
        append(target, origin, &patch, &from);
        assert_eq!(doc["tags"], json!([{"name": "a"}, {"name": "b"}]));
        assert_eq!(
            prov.locate("/tags/1/name"),
            (2, "/actions/1/update/0/name".to_string())
        );
    }
}
