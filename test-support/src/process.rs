//! Running a child process with a deadline: stdin written and closed (or never opened), stdout
//! and stderr read on threads of their own so that a full pipe cannot stall the child, and the
//! child killed — failing the test — when it outlives the deadline.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The proxy variables a child must not inherit: a test talks to loopback servers only.
const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// What one run of a program produced.
#[derive(Debug)]
pub struct Run {
    /// How it ended.
    pub status: ExitStatus,
    /// Everything it wrote to stdout.
    pub stdout: Vec<u8>,
    /// Everything it wrote to stderr.
    pub stderr: Vec<u8>,
    /// How long it ran.
    pub elapsed: Duration,
}

impl Run {
    /// The exit code, `None` when a signal ended it.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Stdout as text; a test fails on output that is not UTF-8.
    pub fn stdout_text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("UTF-8 stdout")
    }

    /// Stderr as text; a test fails on output that is not UTF-8.
    pub fn stderr_text(&self) -> String {
        String::from_utf8(self.stderr.clone()).expect("UTF-8 stderr")
    }
}

/// Removes the proxy variables and `RUST_BACKTRACE` from `cmd`'s environment, so that the host's
/// settings neither redirect its requests nor change what it prints.
pub fn scrubbed(cmd: &mut Command) -> &mut Command {
    for name in PROXY_VARIABLES {
        cmd.env_remove(name);
    }
    cmd.env_remove("RUST_BACKTRACE")
}

/// Runs `cmd` with `stdin` written to it and closed (stdin is closed from the start when
/// `None`), and its output captured; kills it and panics if it is still running after
/// `deadline`.
pub fn run(cmd: &mut Command, stdin: Option<&[u8]>, deadline: Duration) -> Run {
    let started = Instant::now();
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?} does not start: {e}"));
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A program may exit before reading its stdin (a usage error); the broken pipe that
        // follows is expected, and the exit status says what happened.
        let _ = pipe.write_all(bytes);
    }
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = wait_within(&mut child, deadline, &format!("{cmd:?}"));
    Run {
        status,
        stdout: stdout.join().expect("stdout is read"),
        stderr: stderr.join().expect("stderr is read"),
        elapsed: started.elapsed(),
    }
}

/// Waits for `child`, killing it and panicking (naming it `what`) if it is still running after
/// `deadline`.
pub fn wait_within(child: &mut Child, deadline: Duration, what: &str) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited on") {
            return status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} ran longer than {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads `pipe` to its end on a thread of its own.
fn drain(pipe: Option<Box<dyn Read + Send>>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_and_status_are_captured() {
        let run = run(
            Command::new("sh").args(["-c", "cat; echo oops >&2; exit 3"]),
            Some(b"hello"),
            Duration::from_secs(10),
        );
        assert_eq!(run.code(), Some(3));
        assert_eq!(run.stdout_text(), "hello");
        assert_eq!(run.stderr_text(), "oops\n");
    }

    #[test]
    #[should_panic(expected = "ran longer than")]
    fn a_child_past_its_deadline_is_killed() {
        run(
            Command::new("sleep").arg("5"),
            None,
            Duration::from_millis(100),
        );
    }
}
