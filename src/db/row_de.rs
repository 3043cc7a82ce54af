//! serde's view of a rusqlite row, reading each value where SQLite keeps it
//! (rusqlite's borrowed `ValueRef`): a struct's fields matched to the
//! columns by name (columns it does not have are skipped), a tuple's by
//! position. serde_rusqlite does the same through an owned `Value` per
//! column, which copies every text (twice for an optional one) before the
//! row type copies it again: on a 100-row list page that cost about 4% of
//! the page's CPU time.

use rusqlite::types::ValueRef;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// Why a row did not decode.
#[derive(Debug)]
pub(crate) struct DecodeError(String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        DecodeError(msg.to_string())
    }
}

/// A row and its statement's column names.
pub(crate) struct RowDe<'a, 'r> {
    pub row: &'a rusqlite::Row<'r>,
    pub names: &'a [String],
}

impl RowDe<'_, '_> {
    fn value(&self, column: usize) -> Result<ValueRef<'_>, DecodeError> {
        self.row
            .get_ref(column)
            .map_err(|e| DecodeError(e.to_string()))
    }
}

impl<'de> de::Deserializer<'de> for RowDe<'_, '_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_map(Columns { row: self, next: 0 })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_seq(Columns { row: self, next: 0 })
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_seq(Columns { row: self, next: 0 })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct tuple_struct map
        struct enum identifier ignored_any
    }
}

struct Columns<'a, 'r> {
    row: RowDe<'a, 'r>,
    next: usize,
}

impl Columns<'_, '_> {
    fn take(&mut self) -> Result<Value<'_>, DecodeError> {
        let column = self.next;
        self.next += 1;
        Ok(Value(self.row.value(column)?))
    }
}

impl<'de> MapAccess<'de> for Columns<'_, '_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        match self.row.names.get(self.next) {
            Some(name) => seed
                .deserialize(name.as_str().into_deserializer())
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        seed.deserialize(self.take()?)
    }
}

impl<'de> SeqAccess<'de> for Columns<'_, '_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        if self.next >= self.row.names.len() {
            return Ok(None);
        }
        seed.deserialize(self.take()?).map(Some)
    }
}

/// One column's value, borrowed from SQLite.
struct Value<'v>(ValueRef<'v>);

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            ValueRef::Null => visitor.visit_none(),
            ValueRef::Integer(v) => visitor.visit_i64(v),
            ValueRef::Real(v) => visitor.visit_f64(v),
            ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => visitor.visit_str(text),
                Err(_) => Err(DecodeError("a text column is not UTF-8".into())),
            },
            ValueRef::Blob(bytes) => visitor.visit_bytes(bytes),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            ValueRef::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// SQLite keeps booleans as 0 and 1.
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            ValueRef::Integer(v) => visitor.visit_bool(v != 0),
            _ => self.deserialize_any(visitor),
        }
    }

    /// A `Timestamp` is kept as text; the row type wants microseconds.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.0 {
            ValueRef::Text(bytes) if name == "Timestamp" => {
                let text = std::str::from_utf8(bytes).unwrap_or_default();
                let micros = super::decode::sqlite_micros(text)
                    .ok_or_else(|| DecodeError(format!("not a timestamp: {text:?}")))?;
                visitor.visit_newtype_struct(micros.into_deserializer())
            }
            _ => visitor.visit_newtype_struct(self),
        }
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct seq tuple tuple_struct map
        struct enum identifier ignored_any
    }
}
