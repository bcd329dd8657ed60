//! What the command writes: a response body pretty-printed as received, bytes to stdout that
//! stop quietly when the reader goes, and a progress spinner on a terminal.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::Failure;

/// A spinner counting items on stderr when stderr is a terminal, else nothing.
pub fn progress() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} items: {human_pos} ({elapsed})")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Writes to stdout; a reader that has gone is not an error.
pub fn write_out(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Refused(format!("cannot write to stdout: {e}"))),
    }
}

/// The body as received, pretty-printed member by member in the order it arrived, so that
/// members the model does not know survive.
pub fn pretty(status: intercom_runtime::StatusCode, raw: &[u8]) -> Result<String, Failure> {
    let mut out = Vec::with_capacity(raw.len() * 2);
    let mut from = serde_json::Deserializer::from_slice(raw);
    let mut to = serde_json::Serializer::pretty(&mut out);
    serde_transcode::transcode(&mut from, &mut to)
        .map_err(|e| Failure::Usage(format!("HTTP {status}: response is not JSON: {e}")))?;
    String::from_utf8(out).map_err(|e| Failure::Usage(e.to_string()))
}
