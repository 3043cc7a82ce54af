use std::net::SocketAddr;
use std::path::PathBuf;

use roster_core::db::{PoolSettings, DEFAULT_DATABASE_URL};

/// Everything Roster reads from its environment, read once at start.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// Where the built site lives (`pkg/` with the wasm, JS and CSS).
    pub site_root: PathBuf,
    pub site_pkg_dir: String,
    /// cargo-leptos's list of asset hashes; `None`: `hash.txt` beside the binary.
    pub hash_file: Option<PathBuf>,
    pub pool: PoolSettings,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Like [`Config::from_env`], reading variables through `get` (for tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let non_empty = |key: &str| get(key).filter(|v| !v.trim().is_empty());
        let site_addr = non_empty("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr = site_addr.parse().map_err(|_| {
            format!("LEPTOS_SITE_ADDR must be an address like 127.0.0.1:3000 (got {site_addr:?})")
        })?;
        let mut pool = PoolSettings::default();
        if let Some(max) = non_empty("ROSTER_DB_MAX_CONNECTIONS") {
            let n = max.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("ROSTER_DB_MAX_CONNECTIONS must be a positive number (got {max:?})")
            })?;
            pool.max_connections = Some(n);
        }
        Ok(Self {
            database_url: non_empty("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            site_addr,
            site_root: non_empty("LEPTOS_SITE_ROOT")
                .unwrap_or_else(|| "target/site".into())
                .into(),
            site_pkg_dir: non_empty("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()),
            hash_file: None,
            pool,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_sqlite_on_localhost() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.database_url, "sqlite://roster.db");
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.site_root, PathBuf::from("target/site"));
    }

    #[test]
    fn bad_values_are_named() {
        let err =
            Config::from_lookup(|k| (k == "LEPTOS_SITE_ADDR").then(|| "nope".into())).unwrap_err();
        assert!(err.contains("LEPTOS_SITE_ADDR"), "{err}");
        let err = Config::from_lookup(|k| (k == "ROSTER_DB_MAX_CONNECTIONS").then(|| "0".into()))
            .unwrap_err();
        assert!(err.contains("ROSTER_DB_MAX_CONNECTIONS"), "{err}");
    }
}
