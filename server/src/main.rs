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
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();

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
