#![forbid(unsafe_code)]

use std::process::ExitCode;

use roster::cli;
use tracing_subscriber::EnvFilter;

// Server-side rendering allocates many small strings on every request;
// mimalloc is faster at that than the system allocator and returns memory to
// the OS more readily across threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // One JSON object per line for log shippers; else lines for people.
    match std::env::var("ROSTER_LOG_FORMAT").as_deref() {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init(),
        Ok("" | "text") | Err(_) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .init(),
        Ok(other) => {
            eprintln!("roster: ROSTER_LOG_FORMAT must be text or json (got {other:?})");
            return ExitCode::from(2);
        }
    }
    roster::observe::log_panics();

    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("roster: {message}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    match cli::run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("roster: {message}");
            ExitCode::FAILURE
        }
    }
}
