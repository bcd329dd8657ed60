//! The per-spec data a generated client hands the mock server (`intercom_contract::mock::MockSpec`,
//! as JSON): its operations (method,
//! path template, parameters, body, success answer) and its schemas, already in JSON Schema's
//! dialect. Parsed and compiled once into a [`Spec`]: a router over the path templates and one
//! validator per parameter and body.

use std::collections::BTreeMap;

use hyper::Method;
use jsonschema::{Draft, Validator};
use serde_json::{Map, Value};

pub(crate) use intercom_contract::mock::{Echo, ParamIn};
use intercom_contract::mock::{MockParam, MockSpec};

/// The spec data could not be read or one of its schemas could not be compiled.
#[derive(Clone, Debug, thiserror::Error)]
#[error("mock spec: {0}")]
pub struct SpecError(String);

/// How a parameter's text becomes a JSON value before it is validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scalar {
    String,
    Integer,
    Number,
    Boolean,
}

/// A parameter, with its compiled schema.
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) location: ParamIn,
    pub(crate) required: bool,
    /// For a query parameter whose schema is an array: it may repeat, and each value is read as
    /// this scalar.
    pub(crate) repeated: bool,
    pub(crate) scalar: Scalar,
    pub(crate) validator: Option<Validator>,
}

/// A request body, with its compiled schema.
pub(crate) struct Body {
    pub(crate) media_type: String,
    pub(crate) required: bool,
    pub(crate) json: bool,
    pub(crate) validator: Option<Validator>,
}

/// The answer an operation gives unless told otherwise.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) media_type: Option<String>,
    pub(crate) body: Option<Value>,
    pub(crate) echo: Vec<Echo>,
}

/// One operation of the spec.
pub(crate) struct Operation {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) params: Vec<Param>,
    pub(crate) body: Option<Body>,
    pub(crate) answer: Answer,
}

/// What routing a request found.
pub(crate) enum Route {
    /// The operation at this index, with the path parameters (percent-decoded).
    Found(usize, BTreeMap<String, String>),
    /// No path template matches.
    NotFound,
    /// A path template matches, but not with this method; these methods would.
    MethodNotAllowed(Vec<Method>),
}

/// A spec compiled for serving: routes, validators and answers. Parse it once with
/// [`Spec::parse`] and share it between servers.
pub struct Spec {
    pub(crate) bearer_auth: bool,
    pub(crate) version_header: Option<Param>,
    pub(crate) operations: Vec<Operation>,
    router: matchit::Router<usize>,
    /// For each distinct path template: the operation of each method.
    methods: Vec<BTreeMap<String, usize>>,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec")
            .field("bearer_auth", &self.bearer_auth)
            .field(
                "operations",
                &self.operations.iter().map(|o| &o.id).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Spec {
    /// Reads the JSON a generated client embeds and compiles its schemas.
    pub fn parse(json: &str) -> Result<Spec, SpecError> {
        let data: MockSpec = serde_json::from_str(json)
            .map_err(|e| SpecError(format!("cannot read the spec data: {e}")))?;
        let defs = Value::Object(data.schemas);
        let compile = |schema: &Option<Value>, at: &str| -> Result<Option<Validator>, SpecError> {
            schema
                .as_ref()
                .map(|s| compile(s, &defs).map_err(|e| SpecError(format!("{at}: {e}"))))
                .transpose()
        };
        let param = |p: MockParam, at: &str| -> Result<Param, SpecError> {
            let at = format!("{at}: parameter `{}`", p.name);
            let (repeated, scalar) = scalar_of(p.schema.as_ref());
            Ok(Param {
                validator: compile(&p.schema, &at)?,
                name: p.name,
                location: p.location,
                required: p.required,
                repeated: repeated && p.location == ParamIn::Query,
                scalar,
            })
        };
        let version_header = data
            .version_header
            .map(|p| param(p, "the version header"))
            .transpose()?;
        let mut router = matchit::Router::new();
        let mut templates: BTreeMap<String, usize> = BTreeMap::new();
        let mut methods: Vec<BTreeMap<String, usize>> = Vec::new();
        let mut operations = Vec::with_capacity(data.operations.len());
        for (index, op) in data.operations.into_iter().enumerate() {
            let at = format!("operation `{}`", op.id);
            let slot = match templates.get(&op.path) {
                Some(slot) => *slot,
                None => {
                    let slot = methods.len();
                    router
                        .insert(op.path.clone(), slot)
                        .map_err(|e| SpecError(format!("{at}: path `{}`: {e}", op.path)))?;
                    templates.insert(op.path.clone(), slot);
                    methods.push(BTreeMap::new());
                    slot
                }
            };
            let method = op.method.to_ascii_uppercase();
            if methods[slot].insert(method.clone(), index).is_some() {
                return Err(SpecError(format!(
                    "{at}: `{method} {}` is declared twice",
                    op.path
                )));
            }
            let params = op
                .parameters
                .into_iter()
                .map(|p| param(p, &at))
                .collect::<Result<Vec<_>, _>>()?;
            let body = op
                .body
                .map(|b| -> Result<Body, SpecError> {
                    Ok(Body {
                        validator: compile(&b.schema, &format!("{at}: body"))?,
                        json: is_json(&b.media_type),
                        media_type: b.media_type,
                        required: b.required,
                    })
                })
                .transpose()?;
            operations.push(Operation {
                id: op.id,
                name: op.name,
                params,
                body,
                answer: Answer {
                    status: op.response.status,
                    media_type: op.response.media_type,
                    body: op.response.body,
                    echo: op.response.echo,
                },
            });
        }
        Ok(Spec {
            bearer_auth: data.bearer_auth,
            version_header,
            operations,
            router,
            methods,
        })
    }

    /// The operation that `method` and `path` address.
    pub(crate) fn route(&self, method: &Method, path: &str) -> Route {
        let Ok(found) = self.router.at(path) else {
            return Route::NotFound;
        };
        let by_method = &self.methods[*found.value];
        match by_method.get(method.as_str()) {
            Some(index) => {
                let params = found
                    .params
                    .iter()
                    .map(|(k, v)| {
                        let decoded = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                        (k.to_string(), decoded.into_owned())
                    })
                    .collect();
                Route::Found(*index, params)
            }
            None => Route::MethodNotAllowed(
                by_method
                    .keys()
                    .filter_map(|m| Method::from_bytes(m.as_bytes()).ok())
                    .collect(),
            ),
        }
    }

    /// The operation with this operationId or method name.
    pub(crate) fn operation_index(&self, name: &str) -> Option<usize> {
        self.operations
            .iter()
            .position(|o| o.id == name || o.name == name)
    }
}

/// `application/json` or a `…+json` media type.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A validator for `schema`, whose `$ref`s point into `#/$defs/…` of `defs`.
fn compile(schema: &Value, defs: &Value) -> Result<Validator, String> {
    let mut root = Map::new();
    root.insert("allOf".to_string(), Value::Array(vec![schema.clone()]));
    if has_ref(schema) {
        root.insert("$defs".to_string(), defs.clone());
    }
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(&Value::Object(root))
        .map_err(|e| e.to_string())
}

fn has_ref(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => map.contains_key("$ref") || map.values().any(has_ref),
        Value::Array(items) => items.iter().any(has_ref),
        _ => false,
    }
}

/// Whether a parameter's schema is an array, and the scalar its values are read as.
fn scalar_of(schema: Option<&Value>) -> (bool, Scalar) {
    let type_of = |s: Option<&Value>| -> Option<String> {
        let t = s?.get("type")?;
        match t {
            Value::String(t) => Some(t.clone()),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .map(str::to_string),
            _ => None,
        }
    };
    let scalar = |t: Option<String>| match t.as_deref() {
        Some("integer") => Scalar::Integer,
        Some("number") => Scalar::Number,
        Some("boolean") => Scalar::Boolean,
        _ => Scalar::String,
    };
    match type_of(schema).as_deref() {
        Some("array") => (true, scalar(type_of(schema.and_then(|s| s.get("items"))))),
        _ => (false, scalar(type_of(schema))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = r##"{
        "bearer_auth": true,
        "operations": [
            {"id": "GetThing", "name": "get_thing", "method": "GET", "path": "/things/{id}",
             "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
             "response": {"status": 200, "body": {"id": "x"}, "echo": [{"param": "id", "pointer": "/id"}]}},
            {"id": "PutThing", "name": "put_thing", "method": "PUT", "path": "/things/{id}",
             "body": {"media_type": "application/json", "required": true, "schema": {"$ref": "#/$defs/thing"}},
             "response": {"status": 200}},
            {"id": "Search", "name": "search", "method": "POST", "path": "/things/search",
             "response": {"status": 200}}
        ],
        "schemas": {"thing": {"type": "object", "required": ["id"]}}
    }"##;

    #[test]
    fn routes_by_template_and_method() {
        let spec = Spec::parse(DATA).expect("valid data");
        let Route::Found(i, params) = spec.route(&Method::GET, "/things/a%20b") else {
            panic!("GET /things/{{id}} is routed");
        };
        assert_eq!(spec.operations[i].id, "GetThing");
        assert_eq!(params["id"], "a b");
        let Route::Found(i, _) = spec.route(&Method::POST, "/things/search") else {
            panic!("the literal path wins over the template");
        };
        assert_eq!(spec.operations[i].id, "Search");
        assert!(matches!(
            spec.route(&Method::GET, "/nothing"),
            Route::NotFound
        ));
        let Route::MethodNotAllowed(allowed) = spec.route(&Method::DELETE, "/things/1") else {
            panic!("a known path with an unknown method");
        };
        assert_eq!(allowed, vec![Method::GET, Method::PUT]);
        assert_eq!(spec.operation_index("put_thing"), Some(1));
        assert_eq!(spec.operation_index("PutThing"), Some(1));
    }

    #[test]
    fn bad_data_is_an_error_not_a_panic() {
        let err = Spec::parse("{\"operations\": 3}").unwrap_err();
        assert!(
            err.to_string().contains("cannot read the spec data"),
            "{err}"
        );
        let twice = r#"{"operations": [
            {"id": "A", "name": "a", "method": "GET", "path": "/a", "response": {"status": 200}},
            {"id": "B", "name": "b", "method": "get", "path": "/a", "response": {"status": 200}}
        ]}"#;
        let err = Spec::parse(twice).unwrap_err();
        assert!(
            err.to_string().contains("`GET /a` is declared twice"),
            "{err}"
        );
    }
}
