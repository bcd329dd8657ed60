//! Where each item of the API surface comes from in the spec: operations and their parameters
//! at their JSON pointers, models at the schema their name was made from (a component, or the
//! inline schema of a property, response or request body), fields at their property, enum
//! values at their entry, regions at their server and the version constants at the version
//! header. The API change report shows these beside each change.

use std::collections::BTreeMap;

use crate::base::naming;
use crate::model::Model;
use crate::surface::{Item, Key, KeyKind, Origin, Surface, VariantKind};

/// Fills `surface.origins` from the model's locations, each located by `locate` (through the
/// patches applied, if any).
pub(crate) fn attach(surface: &mut Surface, locate: &dyn Fn(&str) -> Origin, model: &Model) {
    let locations = &model.locations;
    let mut pointers: BTreeMap<Key, String> = BTreeMap::new();
    pointers.insert(
        Key::constant("API_VERSION"),
        locations
            .version_default
            .clone()
            .unwrap_or_else(|| "/info/version".into()),
    );
    pointers.insert(
        Key::constant("VERSION_HEADER"),
        locations
            .version_header
            .clone()
            .unwrap_or_else(|| "/info".into()),
    );
    for (name, at) in &locations.servers {
        pointers
            .entry(Key::region(&naming::pascal(name)))
            .or_insert_with(|| at.clone());
    }
    for op in &model.operations {
        let name = op.ident.to_string();
        pointers.insert(Key::operation(&name), op.pointer.clone());
        for p in &op.params {
            let ident = p.ident.to_string();
            if let Some(at) = locations.params.get(&(name.clone(), ident.clone())) {
                pointers.insert(Key::param(&name, &ident), at.clone());
            }
        }
        if op.body.is_some() {
            pointers.insert(
                Key::param(&name, "body"),
                format!("{}/requestBody", op.pointer),
            );
        }
    }
    for (key, item) in &surface.items {
        let at = match (key.kind(), item) {
            (KeyKind::Model(name), _) => locations.of_type(name).map(str::to_string),
            (KeyKind::Field(owner, field), Item::Field { json, .. }) => {
                let json = json
                    .as_deref()
                    .unwrap_or_else(|| field.trim_start_matches("r#"));
                locations.of_field(owner, json).map(str::to_string)
            }
            (KeyKind::Variant(model, _), Item::Variant(kind)) => {
                let value = match kind {
                    VariantKind::Value(v) => Some(v.as_str()),
                    _ => None,
                };
                locations.of_variant(model, value)
            }
            _ => None,
        };
        if let Some(at) = at {
            pointers.insert(key.clone(), at);
        }
    }
    surface.origins = pointers
        .into_iter()
        .map(|(key, pointer)| (key, locate(&pointer)))
        .collect();
}
