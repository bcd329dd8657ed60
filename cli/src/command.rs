//! One subcommand per operation of the client's table, built with clap's builder API from its
//! names and flags (`table.rs`), and the call it makes: path parameters, query and headers from
//! the flags, the body from `--json-body` or the field flags, sent through the client's
//! runtime. A paginated operation with `--all` prints every item of every page, one compact
//! JSON object per line, as it arrives.

use std::future::poll_fn;
use std::io::{Read, Write};
use std::pin::pin;

use clap::{Arg, ArgAction, ArgMatches, Command};
use intercom_runtime::contract::{Encoding, Location, Segment, Success};
use intercom_runtime::{Advance, Bytes, PageOptions, Pages, Request, Runtime, Slot, Stream};
use serde_json::{Map, Value};

use crate::Failure;
use crate::output::{pretty, progress, write_out};
use crate::table::{PageFlag, Paging, Subcommand};
use crate::values::{flag, given};

/// The flag that reads a JSON body from a file or stdin.
const JSON_BODY: &str = "json-body";
/// The flag that reads a body of another media type from a file or stdin.
const RAW_BODY: &str = "raw-body";
/// The flag that walks every page.
const ALL: &str = "all";

/// The clap command of `sub`: a flag per parameter, `--json-body` and a flag per top-level
/// scalar field of its body, and for a paginated operation `--all` and the pagination's flags.
pub fn subcommand(sub: &'static Subcommand) -> Command {
    let op = sub.op;
    let about = op.summary.unwrap_or(op.id);
    let mut cmd = Command::new(sub.name.as_str()).about(about);
    if let Some(description) = op.description {
        let deprecated = if op.deprecated { " (deprecated)" } else { "" };
        cmd = cmd.long_about(format!(
            "{about}{deprecated}\n\n{description}\n\nSends `{} {}`.",
            op.method, op.path
        ));
    }
    for (p, name) in op.params.iter().zip(&sub.param_flags) {
        cmd = cmd.arg(flag(name, p.kind, p.help).required(p.required));
    }
    if let Some(body) = &op.body {
        match body.encoding {
            Encoding::Json | Encoding::Form => {
                cmd = cmd.arg(
                    Arg::new(JSON_BODY)
                        .long(JSON_BODY)
                        .value_name("FILE|-")
                        .help("Send this JSON object (a file, or - for stdin) as the body, member for member; not combinable with the field options"),
                );
                for (f, name) in body.fields.iter().zip(&sub.field_flags) {
                    cmd = cmd.arg(flag(name, f.kind, f.help).conflicts_with(JSON_BODY));
                }
            }
            Encoding::Text | Encoding::Bytes => {
                cmd = cmd.arg(
                    Arg::new(RAW_BODY)
                        .long(RAW_BODY)
                        .value_name("FILE|-")
                        .required(body.required)
                        .help(format!(
                            "Send the bytes of this file (or - for stdin) as the {} body",
                            body.media_type
                        )),
                );
            }
            // Left out of the subcommands (`table.rs`).
            Encoding::Multipart => {}
        }
    }
    if let Some(paging) = &sub.paging {
        for pf in page_flags(paging).filter(|pf| pf.own) {
            cmd = cmd.arg(flag(&pf.flag, pf.kind, Some(&pf.help)));
        }
        cmd = cmd.arg(Arg::new(ALL).long(ALL).action(ArgAction::SetTrue).help(
            "Every item of every page, one compact JSON object per line, printed as it arrives",
        ));
    }
    cmd
}

/// The pagination's flags: where to start, and the page size.
fn page_flags(paging: &Paging) -> impl Iterator<Item = &PageFlag> {
    std::iter::once(&paging.start).chain(paging.size.as_ref())
}

/// What a call sends, read from the flags.
#[derive(Debug)]
pub struct Call {
    sub: &'static Subcommand,
    /// Each parameter's value, by index of the operation's parameters.
    params: Vec<Option<Value>>,
    /// Query parameters of the pagination that have no parameter of their own.
    extra_query: Vec<(&'static str, Value)>,
    /// A JSON (or form) body.
    body: Option<Value>,
    /// A body of another media type.
    raw_body: Option<Bytes>,
    /// With `--all`: where to start and the page size.
    walk: Option<(Paging, PageOptions)>,
}

impl Call {
    /// Reads the call of `sub` from its matches: the values of its flags and its body; a body
    /// that cannot be read or is refused is a usage error.
    pub fn from_matches(sub: &'static Subcommand, m: &ArgMatches) -> Result<Self, Failure> {
        let op = sub.op;
        let paging = sub
            .paging
            .as_ref()
            .filter(|_| m.try_get_one::<bool>(ALL).ok().flatten() == Some(&true));
        // With `--all` the walk places the pagination's values itself.
        let walked = |name: &str| paging.is_some_and(|p| page_flags(p).any(|f| f.flag == name));
        let params = op
            .params
            .iter()
            .zip(&sub.param_flags)
            .map(|(p, flag)| {
                if p.location == Location::Query && walked(flag) {
                    None
                } else {
                    given(m, flag).cloned()
                }
            })
            .collect();
        let mut body = None;
        let mut raw_body = None;
        if let Some(b) = &op.body {
            match b.encoding {
                Encoding::Json | Encoding::Form => {
                    body = match m.try_get_one::<String>(JSON_BODY).ok().flatten() {
                        Some(source) => Some(json_body(sub, source)?),
                        None => {
                            let members: Map<String, Value> = b
                                .fields
                                .iter()
                                .zip(&sub.field_flags)
                                .filter_map(|(f, flag)| {
                                    Some((f.name.to_string(), given(m, flag)?.clone()))
                                })
                                .collect();
                            (b.required || !members.is_empty()).then_some(Value::Object(members))
                        }
                    };
                }
                Encoding::Text | Encoding::Bytes => {
                    if let Some(source) = m.try_get_one::<String>(RAW_BODY).ok().flatten() {
                        raw_body = Some(Bytes::from(read_source(source)?));
                    }
                }
                Encoding::Multipart => {}
            }
        }
        let mut extra_query = Vec::new();
        let mut walk = None;
        if let Some(p) = &sub.paging {
            if let Some(paging) = paging {
                walk = Some((paging.clone(), page_options(paging, m)?));
            } else {
                // Without `--all`, a pagination flag of its own is placed where the page says.
                let slots = [
                    (Some(advance_slot(&p.pages)), Some(&p.start)),
                    (p.pages.page_size, p.size.as_ref()),
                ];
                for (slot, pf) in slots {
                    let (Some(slot), Some(pf)) = (slot, pf) else {
                        continue;
                    };
                    if !pf.own {
                        continue;
                    }
                    let Some(value) = given(m, &pf.flag) else {
                        continue;
                    };
                    match slot {
                        Slot::Query(name) => extra_query.push((name, value.clone())),
                        Slot::Body(pointer) => {
                            let root = body.get_or_insert_with(|| Value::Object(Map::new()));
                            intercom_runtime::set_json_pointer(root, pointer, value.clone())
                                .ok_or_else(|| {
                                    Failure::Usage(format!(
                                        "--{}: the body has no object at `{pointer}` to carry it",
                                        pf.flag
                                    ))
                                })?;
                        }
                    }
                }
            }
        }
        Ok(Self {
            sub,
            params,
            extra_query,
            body,
            raw_body,
            walk,
        })
    }

    /// The request without its JSON or form body: method, path, query, headers, and a raw body.
    fn request(&self) -> Request {
        let op = self.sub.op;
        let mut request = Request::new(op.method.clone(), op.id);
        for segment in op.segments {
            request = match segment {
                Segment::Literal(text) => request.path(text),
                Segment::Param(i) => {
                    let name = op.params.get(*i).map_or("", |p| p.name);
                    let value = match self.params.get(*i) {
                        Some(Some(Value::String(s))) => s.clone(),
                        Some(Some(v)) => v.to_string(),
                        Some(None) | None => String::new(),
                    };
                    request.param(name, value)
                }
            };
        }
        for (p, value) in op.params.iter().zip(&self.params) {
            request = match p.location {
                Location::Path => request,
                Location::Query => request.query(p.name, value),
                Location::Header => request.header(p.name, value),
            };
        }
        for (name, value) in &self.extra_query {
            request = request.query(name, value);
        }
        if let (Some(bytes), Some(b)) = (&self.raw_body, &op.body) {
            let media = match b.encoding {
                Encoding::Text => "text/plain",
                _ => b.media_type,
            };
            request = request.bytes(bytes.clone(), media);
        }
        request
    }

    /// Sends the call and prints what it answers: the body as received, or with `--all` every
    /// item as a line.
    pub async fn run(self, runtime: &Runtime) -> Result<(), Failure> {
        if let Some((paging, options)) = self.walk.clone() {
            return self.walk(runtime, paging, options).await;
        }
        let mut request = self.request();
        if let (Some(body), Some(b)) = (&self.body, &self.sub.op.body) {
            request = match b.encoding {
                Encoding::Form => request.form(body),
                _ => request.json(body),
            };
        }
        match self.sub.op.success {
            Success::Json => {
                let response = runtime.send::<serde::de::IgnoredAny>(request).await?;
                let text = pretty(response.status(), response.raw_body())?;
                write_out(format!("{text}\n").as_bytes())
            }
            Success::Empty => {
                runtime.send_empty(request).await?;
                Ok(())
            }
            Success::Bytes => {
                let response = runtime.send_bytes(request).await?;
                write_out(response.raw_body())
            }
        }
    }

    /// `--all`: every item of every page, one compact JSON object per line, each flushed as it
    /// arrives; a progress indicator on stderr when stderr is a terminal.
    async fn walk(
        self,
        runtime: &Runtime,
        paging: Paging,
        options: PageOptions,
    ) -> Result<(), Failure> {
        let body = self.body.clone();
        let items = runtime.paginate::<Value, _>(|| self.request(), body, paging.pages, options);
        let mut items = pin!(items);
        let progress = progress();
        let mut out = std::io::stdout().lock();
        let mut result = Ok(());
        while let Some(item) = poll_fn(|cx| items.as_mut().poll_next(cx)).await {
            let item = match item {
                Ok(item) => item,
                Err(e) => {
                    result = Err(Failure::from(e));
                    break;
                }
            };
            let line = match serde_json::to_string(&item) {
                Ok(line) => line,
                Err(e) => {
                    result = Err(Failure::Refused(format!("cannot print an item: {e}")));
                    break;
                }
            };
            let written = progress.suspend(|| {
                out.write_all(line.as_bytes())
                    .and_then(|()| out.write_all(b"\n"))
                    .and_then(|()| out.flush())
            });
            match written {
                Ok(()) => progress.inc(1),
                // The reader has gone (`| head`): stop quietly.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
                Err(e) => {
                    result = Err(Failure::Refused(format!("cannot write to stdout: {e}")));
                    break;
                }
            }
        }
        progress.finish_and_clear();
        result
    }
}

/// Where the request carries the cursor or page number.
fn advance_slot(pages: &Pages) -> Slot {
    match pages.advance {
        Advance::Cursor { slot, .. }
        | Advance::Scroll { slot, .. }
        | Advance::Page { slot, .. } => slot,
    }
}

/// With `--all`: the pagination's flags as where to start and the page size.
fn page_options(paging: &Paging, m: &ArgMatches) -> Result<PageOptions, Failure> {
    let mut options = PageOptions::new();
    if let Some(start) = given(m, &paging.start.flag) {
        options = options.start(match start {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    if let Some(size) = paging
        .size
        .as_ref()
        .and_then(|f| given(m, &f.flag).map(|v| (f, v)))
    {
        let (f, value) = size;
        let n = value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| Failure::Usage(format!("--{}: `{value}` is not a page size", f.flag)))?;
        options = options.page_size(n);
    }
    Ok(options)
}

/// The bytes of a file, or of stdin for `-`.
fn read_source(source: &str) -> Result<Vec<u8>, Failure> {
    if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::Usage(format!("cannot read the body from stdin: {e}")))?;
        Ok(bytes)
    } else {
        std::fs::read(source).map_err(|e| Failure::Usage(format!("cannot read {source}: {e}")))
    }
}

/// The JSON body from `--json-body`: a JSON object, with no member the operation's body cannot
/// have, so that what is sent is what was written.
fn json_body(sub: &Subcommand, source: &str) -> Result<Value, Failure> {
    let bytes = read_source(source)?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Failure::Usage(format!("{source}: not JSON: {e}")))?;
    let Some(body) = &sub.op.body else {
        return Ok(value);
    };
    if body.members.is_none() && body.fields.is_empty() {
        return Ok(value);
    }
    let Some(object) = value.as_object() else {
        return Err(Failure::Usage(format!(
            "{source}: the body must be a JSON object"
        )));
    };
    if let Some(members) = body.members
        && let Some(unknown) = object.keys().find(|k| !members.contains(&k.as_str()))
    {
        return Err(Failure::Usage(format!(
            "{source}: `{unknown}` is not a field of the {} body",
            sub.name
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::table::subcommands;

    /// The call `intercom ARGS…` asks for.
    fn call(args: &[&str]) -> Call {
        let matches = crate::cli()
            .try_get_matches_from(std::iter::once("intercom").chain(args.iter().copied()))
            .unwrap();
        let (name, sub) = matches.subcommand().unwrap();
        let entry = subcommands().iter().find(|s| s.name == name).unwrap();
        Call::from_matches(entry, sub).unwrap()
    }

    #[test]
    fn flags_not_given_are_not_sent() {
        let c = call(&["update-contact", "--id", "c1", "--name", "J"]);
        assert_eq!(c.params, [Some(json!("c1"))]);
        assert_eq!(c.body, Some(json!({"name": "J"})));
        let c = call(&["list-contacts"]);
        assert_eq!(c.params, [None, None]);
        assert_eq!(c.body, None);
    }

    #[test]
    fn a_required_body_without_fields_is_an_empty_object() {
        let c = call(&["create-contact"]);
        assert_eq!(c.body, Some(json!({})));
    }

    #[test]
    fn with_all_the_walk_places_the_page_flags() {
        let c = call(&[
            "list-contacts",
            "--per-page",
            "3",
            "--starting-after",
            "c3",
            "--all",
        ]);
        assert_eq!(c.params, [None, None]);
        let (_, options) = c.walk.unwrap();
        assert_eq!(options, PageOptions::new().start("c3").page_size(3));

        let c = call(&["list-contacts", "--per-page", "3", "--starting-after", "c3"]);
        assert_eq!(c.params, [Some(json!(3)), Some(json!("c3"))]);
        assert!(c.walk.is_none());
    }

    #[test]
    fn without_all_page_flags_of_their_own_go_where_the_page_says() {
        let c = call(&["search-contacts", "--per-page", "5"]);
        assert_eq!(c.body, Some(json!({"pagination": {"per_page": 5}})));
        assert!(c.extra_query.is_empty());
    }

    #[test]
    fn every_field_flag_conflicts_with_a_json_body() {
        let cli = crate::cli();
        for entry in subcommands() {
            let sub = cli.find_subcommand(&entry.name).unwrap();
            for flag in &entry.field_flags {
                let arg = sub
                    .get_arguments()
                    .find(|a| a.get_id() == flag.as_str())
                    .unwrap();
                assert!(
                    sub.get_arg_conflicts_with(arg)
                        .iter()
                        .any(|c| c.get_id() == JSON_BODY),
                    "{} --{flag} does not conflict with --json-body",
                    entry.name,
                );
            }
        }
    }

    #[test]
    fn a_page_size_that_is_not_one_is_a_usage_error() {
        let matches = crate::cli()
            .try_get_matches_from(["intercom", "list-contacts", "--per-page", "0", "--all"])
            .unwrap();
        let (_, sub) = matches.subcommand().unwrap();
        let entry = subcommands()
            .iter()
            .find(|s| s.name == "list-contacts")
            .unwrap();
        assert!(matches!(
            Call::from_matches(entry, sub),
            Err(Failure::Usage(m)) if m.contains("--per-page")
        ));
    }
}
