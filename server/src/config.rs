use std::net::SocketAddr;
use std::path::PathBuf;

use roster_app::service::accounts::AuthSettings;
use roster_core::db::{PoolSettings, DEFAULT_DATABASE_URL};

/// When the session cookie gets the `Secure` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecureCookie {
    /// When the request came over HTTPS, as a TLS-terminating proxy says in
    /// `X-Forwarded-Proto` (Roster itself speaks plain HTTP).
    Auto,
    Always,
    Never,
}

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
    pub auth: AuthSettings,
    pub secure_cookie: SecureCookie,
    /// Behind a reverse proxy: take the client address from the last
    /// `X-Forwarded-For` entry (the one the proxy added).
    pub trust_proxy: bool,
    /// `ROSTER_METRICS_TOKEN`: lets a scraper read `/metrics` without a session.
    pub metrics_token: Option<Secret>,
    /// `ROSTER_TRASH_DAYS`: how long deleted records stay in the trash.
    pub trash_days: u32,
}

/// Days a deleted record stays in the trash unless `ROSTER_TRASH_DAYS` says.
pub const TRASH_DAYS: u32 = 30;

/// A value that must never reach a log: its `Debug` shows no character of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
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
        let flag = |key: &str| -> Result<Option<bool>, String> {
            match non_empty(key).map(|v| v.trim().to_ascii_lowercase()) {
                None => Ok(None),
                Some(v) if matches!(v.as_str(), "true" | "1" | "yes" | "on") => Ok(Some(true)),
                Some(v) if matches!(v.as_str(), "false" | "0" | "no" | "off") => Ok(Some(false)),
                Some(v) => Err(format!("{key} must be true or false (got {v:?})")),
            }
        };
        let mut auth = AuthSettings {
            forced_open_registration: flag("ROSTER_OPEN_REGISTRATION")?,
            ..AuthSettings::default()
        };
        if let Some(days) = non_empty("ROSTER_SESSION_IDLE_DAYS") {
            let n = days
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=365).contains(n))
                .ok_or_else(|| {
                    format!("ROSTER_SESSION_IDLE_DAYS must be a whole number of days from 1 to 365 (got {days:?})")
                })?;
            auth.idle_secs = n * 24 * 60 * 60;
        }
        let secure_cookie = match non_empty("ROSTER_SECURE_COOKIE")
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("auto") => SecureCookie::Auto,
            Some("true" | "always") => SecureCookie::Always,
            Some("false" | "never") => SecureCookie::Never,
            Some(other) => {
                return Err(format!(
                    "ROSTER_SECURE_COOKIE must be auto, true or false (got {other:?})"
                ))
            }
        };
        let trash_days = match non_empty("ROSTER_TRASH_DAYS") {
            None => TRASH_DAYS,
            Some(days) => days
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=3650).contains(n))
                .ok_or_else(|| {
                    format!("ROSTER_TRASH_DAYS must be a whole number of days from 1 to 3650 (got {days:?})")
                })?,
        };
        let metrics_token =
            match non_empty("ROSTER_METRICS_TOKEN") {
                Some(token) if token.trim().len() < 16 || token.trim() != token => return Err(
                    "ROSTER_METRICS_TOKEN must be at least 16 characters, without spaces around it"
                        .into(),
                ),
                token => token.map(Secret),
            };
        Ok(Self {
            auth,
            metrics_token,
            trash_days,
            secure_cookie,
            trust_proxy: flag("ROSTER_TRUST_PROXY")?.unwrap_or(false),
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
        let err =
            Config::from_lookup(|k| (k == "ROSTER_OPEN_REGISTRATION").then(|| "maybe".into()))
                .unwrap_err();
        assert!(err.contains("ROSTER_OPEN_REGISTRATION"), "{err}");
        let err = Config::from_lookup(|k| (k == "ROSTER_SESSION_IDLE_DAYS").then(|| "0".into()))
            .unwrap_err();
        assert!(err.contains("ROSTER_SESSION_IDLE_DAYS"), "{err}");
        let err =
            Config::from_lookup(|k| (k == "ROSTER_TRASH_DAYS").then(|| "0".into())).unwrap_err();
        assert!(err.contains("ROSTER_TRASH_DAYS"), "{err}");
        let days = Config::from_lookup(|k| (k == "ROSTER_TRASH_DAYS").then(|| " 7 ".into()));
        assert_eq!(days.unwrap().trash_days, 7);
        assert_eq!(
            Config::from_lookup(|_| None).unwrap().trash_days,
            TRASH_DAYS
        );
        let err = Config::from_lookup(|k| (k == "ROSTER_METRICS_TOKEN").then(|| "short".into()))
            .unwrap_err();
        assert!(err.contains("ROSTER_METRICS_TOKEN"), "{err}");
    }

    #[test]
    fn security_settings() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.auth.idle_secs, 7 * 24 * 3600);
        assert_eq!(config.auth.forced_open_registration, None);
        assert_eq!(config.secure_cookie, SecureCookie::Auto);
        assert!(!config.trust_proxy);
        let config = Config::from_lookup(|k| match k {
            "ROSTER_OPEN_REGISTRATION" => Some("false".into()),
            "ROSTER_SESSION_IDLE_DAYS" => Some("2".into()),
            "ROSTER_SECURE_COOKIE" => Some("true".into()),
            "ROSTER_TRUST_PROXY" => Some("yes".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.auth.forced_open_registration, Some(false));
        assert_eq!(config.auth.idle_secs, 2 * 24 * 3600);
        assert_eq!(config.secure_cookie, SecureCookie::Always);
        assert!(config.trust_proxy);
    }
}
