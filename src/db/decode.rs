//! [`Timestamp`] and [`Date`] read straight from either database's own
//! column types, so that record types can be their own rows
//! (`#[derive(sqlx::FromRow)]`): one decoder per row type.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Postgres, Sqlite, Type};

use crate::domain::{Date, Timestamp};

fn from_utc(t: DateTime<Utc>) -> Timestamp {
    Timestamp::from_micros(t.timestamp_micros())
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> SqliteTypeInfo {
        <DateTime<Utc> as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <DateTime<Utc> as Type<Sqlite>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        <DateTime<Utc> as Decode<Sqlite>>::decode(value).map(from_utc)
    }
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        <DateTime<Utc> as Decode<Postgres>>::decode(value).map(from_utc)
    }
}

fn from_naive(day: NaiveDate) -> Result<Date, BoxDynError> {
    Date::from_ymd(day.year(), day.month(), day.day()).ok_or_else(|| "not a day".into())
}

impl Type<Sqlite> for Date {
    fn type_info() -> SqliteTypeInfo {
        <NaiveDate as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <NaiveDate as Type<Sqlite>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Sqlite> for Date {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        from_naive(<NaiveDate as Decode<Sqlite>>::decode(value)?)
    }
}

impl Type<Postgres> for Date {
    fn type_info() -> PgTypeInfo {
        <NaiveDate as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for Date {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        from_naive(<NaiveDate as Decode<Postgres>>::decode(value)?)
    }
}

/// A timestamp as SQLite keeps it, for the read path's serde adaptor
/// (`row_de`): `2026-11-21T06:07:59.123Z` in microseconds.
pub(crate) fn sqlite_micros(text: &str) -> Option<i64> {
    super::fast_utc(text)
        .or_else(|| DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc()))
        .map(|t| t.timestamp_micros())
}
