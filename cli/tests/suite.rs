//! The tests of the `intercom` program, as one test binary: what it sends, prints and exits
//! with (`cli`), each operation's subcommand and the page walks (`operations`), and the program
//! against a misbehaving server (`cli_faults`).

mod cli;
mod cli_faults;
mod operations;
