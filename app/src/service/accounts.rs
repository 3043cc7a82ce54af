//! Registration, sign-in and sessions, shared by the server functions and the
//! plain form handlers. The cryptography lives here: argon2id for passwords,
//! 256-bit random session ids of which the database only sees a SHA-256.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use leptos::prelude::*;
use roster_core::db::{AccountOrigin, Db, NewUser};
use roster_core::domain::{CurrentUser, FormInput, LoginInput, Password, RegisterInput};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

pub use crate::auth::Viewer;
use crate::error::AppError;

pub const COOKIE_NAME: &str = "roster_session";
/// Failed sign-ins allowed per account and per client address…
pub const MAX_FAILURES: i64 = 5;
/// …within this many seconds.
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// Activity is written back at most this often per session, so that reading
/// pages does not turn into a write per request.
const TOUCH_EVERY_SECS: i64 = 60;

/// The operator's choices (environment variables), given to the app by the
/// server at start.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// A session unused for this long is gone.
    pub idle_secs: i64,
    /// `Some(false)`: registration closed whatever administrators set.
    pub forced_open_registration: Option<bool>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_secs: 7 * 24 * 60 * 60,
            forced_open_registration: None,
        }
    }
}

/// Facts about the client the server middleware worked out for this request.
#[derive(Clone, Debug)]
pub struct ClientInfo {
    /// The address sign-in throttling counts against.
    pub addr: String,
    /// Whether the browser reached us over HTTPS (directly or via a proxy).
    pub https: bool,
    /// The request's id (`x-request-id`), which the history records.
    pub request_id: Option<String>,
}

/// The session a request carries, put in the request by the middleware.
#[derive(Clone, Debug)]
pub struct Session {
    pub id_hash: String,
    pub user: CurrentUser,
    pub csrf_token: String,
}

/// A freshly started session: the cookie value to send (shown once, never
/// stored) and what the page needs to know.
#[derive(Clone)]
pub struct NewSession {
    pub cookie_value: String,
    pub viewer: Viewer,
}

impl From<&Session> for Viewer {
    fn from(session: &Session) -> Self {
        Viewer {
            user: session.user.clone(),
            csrf_token: session.csrf_token.clone(),
        }
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// 32 random bytes from the operating system, as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What the database stores for a session id.
pub fn hash_session_id(raw: &str) -> String {
    hex(&Sha256::digest(raw.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Compares secrets in time independent of where they first differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// argon2id at the low-memory end of OWASP's equivalent settings (7 MiB,
/// 5 passes, 1 lane): as costly to attack as the 19 MiB / 2 pass default,
/// with a third of the memory per sign-in. Stored hashes carry their own
/// parameters, so changing these later keeps old passwords working.
fn argon2() -> Argon2<'static> {
    match argon2::Params::new(7 * 1024, 5, 1, None) {
        Ok(params) => Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params),
        Err(_) => Argon2::default(),
    }
}

/// Hashing is deliberately expensive (megabytes and tens of milliseconds each):
/// at most one per core at a time, off the async threads, so a flood of
/// sign-ins cannot exhaust memory or stall page rendering.
fn hashing_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        Semaphore::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        )
    })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = hashing_permits()
        .acquire()
        .await
        .map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing task failed");
        AppError::Internal
    })
}

/// argon2id ([`argon2`]) with a random salt per password, as a PHC string.
pub async fn hash_password(password: &Password) -> Result<String, AppError> {
    let password = password.expose().to_owned();
    blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// A hash no password matches, verified for unknown accounts so that they
/// take as long to refuse as a wrong password does.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(random_token().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

async fn verify_password(hash: Option<String>, password: String) -> Result<bool, AppError> {
    blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| decoy_hash().to_owned());
        let matches = PasswordHash::new(&hash)
            .map(|parsed| {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matches
    })
    .await
}

/// Whether `password` is the current password of account `user`.
pub async fn password_matches(db: &Db, user: i64, password: &str) -> Result<bool, AppError> {
    let hash = db.password_hash(user).await?;
    verify_password(hash, password.to_owned()).await
}

/// SHA-256 of `text` in hex: a key that names a client without keeping its
/// address (the contact form's limit).
pub fn hashed_key(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Starts a session for `user`, rotating out `previous` (the session the
/// request came with, if any): a new id at every sign-in.
pub async fn start_session(
    db: &Db,
    user: CurrentUser,
    previous: Option<&Session>,
) -> Result<NewSession, AppError> {
    if let Some(previous) = previous {
        db.delete_session(&previous.id_hash).await?;
    }
    let cookie_value = random_token();
    let csrf_token = random_token();
    db.create_session(&hash_session_id(&cookie_value), user.id, &csrf_token, now())
        .await?;
    Ok(NewSession {
        cookie_value,
        viewer: Viewer { user, csrf_token },
    })
}

/// The session a cookie value names, if it is live; notes the activity.
pub async fn load_session(
    db: &Db,
    settings: &AuthSettings,
    cookie_value: &str,
) -> Result<Option<Session>, AppError> {
    // Ours are 64 hex digits: anything else cannot match, skip the query.
    if cookie_value.len() != 64 || !cookie_value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let id_hash = hash_session_id(cookie_value);
    let now = now();
    let Some(record) = db.find_session(&id_hash, now, settings.idle_secs).await? else {
        return Ok(None);
    };
    if now - record.last_seen >= TOUCH_EVERY_SECS {
        // Only pushes the idle expiry back: a database that refuses writes
        // (read-only, full) must not stop anyone from reading.
        if let Err(error) = db.touch_session(&id_hash, now).await {
            tracing::warn!(%error, "could not record session activity");
        }
    }
    Ok(Some(Session {
        id_hash,
        user: record.user,
        csrf_token: record.csrf_token,
    }))
}

pub async fn register(
    db: &Db,
    by: &roster_core::db::By,
    settings: &AuthSettings,
    input: &RegisterInput,
    previous: Option<&Session>,
) -> Result<NewSession, AppError> {
    let account = input.parse().map_err(AppError::Invalid)?;
    let origin = AccountOrigin::Registration {
        forced_open: settings.forced_open_registration,
    };
    // Refuse before the expensive hash; `create_user` checks again in its
    // transaction.
    if !registration_open(db, settings).await? {
        return Err(AppError::RegistrationClosed);
    }
    let password_hash = hash_password(&account.password).await?;
    let user = db
        .create_user(
            by,
            &NewUser {
                username: account.username.as_str(),
                email: account.email.as_str(),
                password_hash: &password_hash,
            },
            origin,
        )
        .await?;
    tracing::info!(user = user.id, admin = user.is_admin, "account registered");
    start_session(db, user, previous).await
}

/// Checks a sign-in. Unknown accounts and wrong passwords are refused alike;
/// after [`MAX_FAILURES`] failures for one account or one client address
/// within [`FAILURE_WINDOW_SECS`], every attempt is refused with
/// [`AppError::TooManyAttempts`] until the window has passed.
pub async fn login(
    db: &Db,
    settings: &AuthSettings,
    client: &ClientInfo,
    input: &LoginInput,
    previous: Option<&Session>,
) -> Result<NewSession, AppError> {
    let credentials = input.parse().map_err(AppError::Invalid)?;
    let found = db.find_login(&credentials.login).await?;
    let account_key = match &found {
        Some(record) => format!("user:{}", record.user.id),
        None => format!("login:{}", credentials.login.to_ascii_lowercase()),
    };
    let client_key = format!("addr:{}", client.addr);
    let now = now();
    let since = now - FAILURE_WINDOW_SECS + 1;
    for key in [&account_key, &client_key] {
        if let Some(at) = db.throttled_since(key, since, MAX_FAILURES).await? {
            let retry_after_secs = (at + FAILURE_WINDOW_SECS - now).max(1);
            tracing::warn!(key = key.split(':').next(), "sign-in throttled");
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
    }
    let (user, disabled, hash) = match found {
        Some(record) => (
            Some(record.user),
            record.disabled,
            Some(record.password_hash),
        ),
        None => (None, false, None),
    };
    let valid = verify_password(hash, credentials.password).await?;
    match user {
        // Said only to whoever knows the password: it tells nothing about
        // which accounts exist.
        Some(user) if valid && disabled => {
            tracing::info!(user = user.id, "sign-in to a disabled account refused");
            Err(AppError::AccountDisabled)
        }
        Some(user) if valid => {
            db.clear_login_failures(&account_key).await?;
            // Housekeeping that needs no schedule of its own: sessions past
            // their idle limit are refused anyway; this removes the rows.
            db.delete_idle_sessions(now - settings.idle_secs).await?;
            tracing::info!(user = user.id, "signed in");
            start_session(db, user, previous).await
        }
        _ => {
            db.record_login_failure(&[&account_key, &client_key], now, now - FAILURE_WINDOW_SECS)
                .await?;
            tracing::info!("sign-in refused");
            Err(AppError::BadCredentials)
        }
    }
}

pub async fn logout(db: &Db, session: Option<&Session>) -> Result<(), AppError> {
    if let Some(session) = session {
        db.delete_session(&session.id_hash).await?;
        tracing::info!(user = session.user.id, "signed out");
    }
    Ok(())
}

/// Whether `/register/` accepts new accounts right now.
pub async fn registration_open(db: &Db, settings: &AuthSettings) -> Result<bool, AppError> {
    match settings.forced_open_registration {
        Some(open) => Ok(open),
        None => Ok(db.registration_open().await?),
    }
}

/// `Set-Cookie` for a new session. `HttpOnly`: scripts never see it;
/// `SameSite=Lax`: other sites' subrequests do not carry it; `Secure` when
/// the browser came over HTTPS.
pub fn session_cookie(value: &str, settings: &AuthSettings, https: bool) -> String {
    format!(
        "{COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        settings.idle_secs,
        if https { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(https: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if https { "; Secure" } else { "" }
    )
}

/// The request being served (from leptos's context), for the pieces the
/// middleware attached to it.
fn request_extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
    use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<T>().cloned())
}

/// The session of the request being served, if any.
pub fn current_session() -> Option<Session> {
    request_extension::<Session>()
}

pub fn client_info() -> ClientInfo {
    request_extension::<ClientInfo>().unwrap_or(ClientInfo {
        addr: "unknown".into(),
        https: false,
        request_id: None,
    })
}

pub fn auth_settings() -> AuthSettings {
    use_context::<AuthSettings>().unwrap_or_default()
}

/// Adds a header to the response of the server function or page being served.
pub fn add_response_header(name: http::HeaderName, value: &str) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        options.append_header(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_with_salt_and_verify() {
        let password = Password::parse("correct horse battery").unwrap();
        let a = hash_password(&password).await.unwrap();
        let b = hash_password(&password).await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(!a.contains("correct horse"));
        assert!(
            verify_password(Some(a.clone()), "correct horse battery".into())
                .await
                .unwrap()
        );
        assert!(!verify_password(Some(a), "correct horse batterx".into())
            .await
            .unwrap());
        assert!(!verify_password(None, "correct horse battery".into())
            .await
            .unwrap());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(hash_session_id(&a).len(), 64);
        assert_ne!(hash_session_id(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &random_token()));
        assert!(!same_secret("ab", "abc"));
    }

    #[test]
    fn cookies_carry_the_safe_attributes() {
        let settings = AuthSettings::default();
        let cookie = session_cookie("abc", &settings, false);
        assert!(cookie.starts_with("roster_session=abc; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!cookie.contains("Secure"));
        assert!(session_cookie("abc", &settings, true).ends_with("; Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }
}
