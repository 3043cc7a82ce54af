//! The server side of bulk actions: the records a request chooses, the
//! confirmation's contents, the Apply and its refusals in words.

use roster_core::db::{describe_change, BulkError, ChangedSince, DbError, Listed};
use roster_core::domain::bulk::{too_many, Bulk, BulkAction, Target};
use roster_core::domain::{
    from_fields, to_fields, Change, Conflict, FieldErrors, FormInput, HistoryEntry, Kind, QueryOf,
    Record,
};

use roster_core::domain::bulk::BULK_MAX;

use super::{thousands, BulkInput, BulkPreview, BulkRequest, BulkSet, Scope, SetOn};
use crate::error::AppError;
use crate::html::Html;
use crate::record::list::ListView;
use crate::record::view::RecordView;
use crate::service::Ctx;

/// The list query a query string states.
pub(crate) fn list_query<L: ListView>(query: &str) -> QueryOf<L> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    QueryOf::<L>::from_params(&|name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
    .sanitized()
}

/// Whether `L` offers `action` (and the field it sets, for a set).
fn offered<L: ListView>(action: &BulkAction) -> Option<Option<&'static BulkSet>> {
    match action {
        BulkAction::Delete => Some(None),
        BulkAction::Set(field) => L::BULK_SETS.iter().find(|s| s.field == field).map(Some),
        BulkAction::Export(_) => L::DOWNLOAD.map(|_| None),
    }
}

/// The ids `scope` chooses from list `L`.
async fn chosen<R, L>(
    ctx: &Ctx,
    scope: Scope,
    ids: Vec<i64>,
    query: &QueryOf<L>,
) -> Result<Vec<i64>, AppError>
where
    R: RecordView,
    L: ListView + Listed<Row = R>,
{
    Ok(match scope {
        Scope::Selected => ids,
        Scope::Page => {
            let page = ctx.db.list::<L>(query).await?;
            page.rows.iter().map(Record::id).collect()
        }
        Scope::All => ctx.db.matching_ids::<L>(query, BULK_MAX + 1).await?,
    })
}

pub(super) async fn preview<R, L>(ctx: &Ctx, request: BulkRequest) -> Result<BulkPreview, AppError>
where
    R: RecordView,
    L: ListView + Listed<Row = R>,
{
    L::READERS.check(&ctx.actor)?;
    let kind = R::KIND;
    let action = BulkAction::parse(&request.action)
        .ok_or_else(|| AppError::Refused("Choose an action from the list's menu.".into()))?;
    let set = offered::<L>(&action)
        .ok_or_else(|| AppError::Refused(format!("{} have no such action.", kind.title())))?;
    ctx.actor.require(kind, action.op())?;
    let scope = Scope::parse(&request.scope).unwrap_or(Scope::Selected);
    let query = list_query::<L>(&request.query);
    let back = query.href(&L::base(&query.filter), query.page);
    let ids = chosen::<R, L>(ctx, scope, request.ids, &query).await?;
    let mut blocked = unfit(kind, ids.len());
    let ids = &ids[..ids.len().min(BULK_MAX)];
    let records = ctx.db.records_of::<R>(ids).await?;
    let count = records.len();
    let mut rows = Html::with_capacity(count * 120);
    let mut totals = None;
    let mut download = None;
    let (heading, submit) = match (set, &action) {
        (None, BulkAction::Export(format)) => {
            for record in &records {
                record_row::<R>(&mut rows, record, "");
            }
            let only = match scope {
                Scope::All => None,
                _ => Some(join(records.iter().map(Record::id))),
            };
            download = Some(super::export_href::<L>(&query, *format, only));
            let heading = format!("Download {}", kind.count(count as i64));
            (heading.clone(), heading)
        }
        (None, _) => {
            let dependants = ctx.db.dependants_of::<R>(ids).await?;
            let mut sums = vec![0i64; R::CHILDREN.len()];
            for record in &records {
                let mut notes = Vec::new();
                for (i, child) in R::CHILDREN.iter().enumerate() {
                    let n = dependants[i].get(&record.id()).copied().unwrap_or(0);
                    sums[i] += n;
                    if n > 0 && !child.cascade && blocked.is_none() {
                        blocked = Some(format!(
                            "{} still has {}: move them to another {} first (its page, or \
                             the bulk action on its list).",
                            record.title(),
                            child.kind.count(n),
                            kind.noun()
                        ));
                    }
                    if n > 0 {
                        notes.push(child.kind.count(n));
                    }
                }
                record_row::<R>(&mut rows, record, &notes.join(", "));
            }
            let gone: Vec<String> = R::CHILDREN
                .iter()
                .zip(&sums)
                .filter(|(child, n)| child.cascade && **n > 0)
                .map(|(child, n)| child.kind.count(*n))
                .collect();
            if !gone.is_empty() {
                totals = Some(format!(
                    "With them go {}; all of it can be restored from the trash, or with \
                     one Undo.",
                    gone.join(" and ")
                ));
            }
            (
                format!("Delete {}?", kind.count(count as i64)),
                format!("Delete {}", kind.count(count as i64)),
            )
        }
        (Some(set), _) if set.on.dependants().is_some() => {
            let dependants = ctx.db.dependants_of::<R>(ids).await?;
            let child = R::CHILDREN
                .iter()
                .position(|c| Some(c.kind) == set.on.dependants());
            let counts = child.map(|i| &dependants[i]);
            let of = |id: i64| counts.and_then(|c| c.get(&id)).copied().unwrap_or(0);
            let moving: i64 = records.iter().map(|r| of(r.id())).sum();
            let noun = set.on.dependants().unwrap_or(kind);
            for record in &records {
                record_row::<R>(&mut rows, record, &noun.count(of(record.id())));
            }
            if moving == 0 && blocked.is_none() {
                blocked = Some(format!(
                    "None of these {} has {}.",
                    kind.plural(),
                    noun.plural()
                ));
            }
            totals = Some(format!("{} move.", noun.count(moving)));
            (
                format!("{}: {}", set.label, kind.count(count as i64)),
                format!("Move {}", noun.count(moving)),
            )
        }
        (Some(set), _) if matches!(set.on, SetOn::Links(_)) => {
            for record in &records {
                record_row::<R>(&mut rows, record, "");
            }
            totals = Some(
                "Those enrolled in it already are left as they are; if it has fewer seats \
                 left than students, nothing is applied and the page says who did not fit."
                    .into(),
            );
            (
                format!("{}: {}", set.label, kind.count(count as i64)),
                format!("Enrol {}", kind.count(count as i64)),
            )
        }
        (Some(set), _) => {
            for record in &records {
                let fields = to_fields(&record.to_input());
                let now = fields
                    .iter()
                    .find(|(k, _)| k == set.field)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                record_row::<R>(&mut rows, record, &shown_value(&now));
            }
            (
                format!("{}: {}", set.label, kind.count(count as i64)),
                format!("Apply to {}", kind.count(count as i64)),
            )
        }
    };
    Ok(BulkPreview {
        action: action.param(),
        heading,
        submit,
        count,
        ids: match scope {
            Scope::All => String::new(),
            _ => join(records.iter().map(Record::id)),
        },
        scope: scope.as_str().to_owned(),
        query: request.query,
        rows: rows.into_string(),
        totals,
        blocked,
        back,
        download,
    })
}

/// Why `n` records of `kind` chosen cannot be acted on, if they cannot.
pub(crate) fn unfit(kind: Kind, n: usize) -> Option<String> {
    if n > BULK_MAX {
        Some(too_many())
    } else if n == 0 {
        Some(format!(
            "No {} were chosen: tick some rows, or choose “all that match”.",
            kind.plural()
        ))
    } else {
        None
    }
}

pub(crate) fn shown_value(value: &str) -> String {
    if value.is_empty() {
        "now: (empty)".to_owned()
    } else {
        format!("now: {value}")
    }
}

pub(crate) fn join(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// `<li>`: the record (a link to its page) and a note.
fn record_row<R: RecordView>(out: &mut Html, record: &R, note: &str) {
    out.raw("<li><a href=\"")
        .path(R::PAGE, record.id())
        .raw("\">")
        .text(&record.title())
        .raw("</a>");
    if !note.is_empty() {
        out.raw(" <span class=\"muted\">").text(note).raw("</span>");
    }
    out.raw("</li>");
}

/// The entries of a bulk action's page.
pub(crate) fn entry_rows(entries: &[HistoryEntry]) -> String {
    let mut out = Html::with_capacity(entries.len() * 120);
    for e in entries {
        let kind = Kind::parse(&e.kind);
        let page = kind
            .and_then(crate::record::declared)
            .map(|d| d.urls.page.fill(&[e.record_id]));
        out.raw("<li>");
        out.maybe_link(page.as_deref(), &e.title);
        let action = e.action().map_or(e.action.as_str(), |a| a.label());
        let changes: Vec<String> = e
            .changes()
            .into_iter()
            .filter(|c| c.field != "version")
            .map(|c| match (c.was.is_empty(), c.now.is_empty()) {
                (false, false) => format!("{}: {} → {}", c.field, c.was, c.now),
                (true, false) => format!("{}: {}", c.field, c.now),
                (false, true) => format!("{}: {} (removed)", c.field, c.was),
                (true, true) => c.field,
            })
            .collect();
        out.raw(" <span class=\"muted\">").text(action);
        if action != "Deleted" && !changes.is_empty() {
            out.raw(" · ").text(&changes.join("; "));
        }
        out.raw("</span></li>");
    }
    out.into_string()
}

pub(super) async fn apply<R, L>(ctx: &Ctx, input: BulkInput) -> Result<i64, AppError>
where
    R: RecordView,
    L: ListView + Listed<Row = R>,
{
    let user = ctx.actor.require_user()?.id;
    let kind = R::KIND;
    let Bulk {
        action,
        target,
        count,
        mark,
    } = parsed(&input)?;
    let set = offered::<L>(&action)
        .ok_or_else(|| AppError::Refused(format!("{} have no such action.", kind.title())))?;
    // Before any version check: a refused role learns nothing more.
    L::READERS.check(&ctx.actor)?;
    ctx.actor.require(kind, action.op())?;
    if let BulkAction::Export(_) = action {
        return Err(AppError::Refused(
            "A download changes nothing: it is a link on the confirmation page.".into(),
        ));
    }
    let ids = match &target {
        Target::Ids(ids) => ids.clone(),
        Target::Matching { query } => {
            let query = list_query::<L>(query);
            ctx.db.matching_ids::<L>(&query, BULK_MAX + 1).await?
        }
    };
    if ids.len() > BULK_MAX {
        return Err(AppError::Refused(too_many()));
    }
    let records = ctx.db.records_of::<R>(&ids).await?;
    // Records gone, or (for "all that match") come or gone from the
    // list since the confirmation: changes made since it was read.
    if records.len() != count || records.len() != ids.len() {
        let changed = ctx.db.changed_since(kind, &ids, mark).await?;
        return Err(changed_since::<R>(ctx, &records, changed, &target).await);
    }
    let by = ctx.by();
    let done = match set {
        None => {
            let chosen: Vec<(i64, i64, String)> = records
                .iter()
                .map(|r| (r.id(), r.version(), r.title()))
                .collect();
            let label = format!("Deleted {}", kind.count(count as i64));
            ctx.db.bulk_delete::<R>(&by, &label, &chosen, mark).await
        }
        Some(set) if set.on.dependants().is_some() => {
            let value = input.values.get(set.field).cloned().unwrap_or_default();
            let chosen: Vec<i64> = records.iter().map(Record::id).collect();
            let changed = ctx.db.changed_since(kind, &chosen, mark).await?;
            if !changed.is_empty() {
                return Err(changed_since::<R>(ctx, &records, changed, &target).await);
            }
            if chosen.iter().any(|id| id.to_string() == value.trim()) {
                return Err(AppError::Invalid(FieldErrors::single(
                    set.field,
                    format!("Choose a {} other than those chosen.", kind.noun()),
                )));
            }
            let label = format!("{}: {}", set.label, kind.count(count as i64));
            move_dependants::<R>(ctx, set, &chosen, &value, &label).await
        }
        Some(set) if matches!(set.on, SetOn::Links(_)) => {
            let value = input.values.get(set.field).cloned().unwrap_or_default();
            let course = roster_core::domain::list::id_param(Some(value)).ok_or_else(|| {
                AppError::Invalid(FieldErrors::single(set.field, "Choose a course."))
            })?;
            let chosen: Vec<(i64, String)> = records.iter().map(|r| (r.id(), r.title())).collect();
            ctx.db.bulk_enrol(&by, course, &chosen, mark).await
        }
        Some(set) => {
            let value = input.values.get(set.field).cloned().unwrap_or_default();
            let mut edits = Vec::with_capacity(records.len());
            let titles: Vec<String> = records.iter().map(Record::title).collect();
            for record in &records {
                match with_value(record, set.field, &value).parse() {
                    Ok(valid) => edits.push((record.id(), record.version(), valid)),
                    Err(errors) => return Err(invalid::<R>(set.field, record, errors)),
                }
            }
            let label = format!("{}: {}", set.label, kind.count(count as i64));
            ctx.db
                .bulk_save::<R>(&by, &action.param(), &label, &edits, &titles, mark)
                .await
        }
    };
    match done {
        Ok(batch) => {
            tracing::info!(kind = kind.noun(), batch, count, user, "bulk action");
            Ok(batch)
        }
        Err(BulkError::Changed(changed)) => {
            Err(changed_since::<R>(ctx, &records, changed, &target).await)
        }
        Err(BulkError::At { title, error, .. }) => match (set, AppError::from(error)) {
            // A dependant refused the value: it is the one asked for.
            (Some(set), AppError::Invalid(errors)) if set.on.dependants().is_some() => {
                let message = errors.messages().join(" ");
                Err(AppError::Invalid(FieldErrors::single(set.field, message)))
            }
            (_, error) => Err(at_record(&title, error, set)),
        },
        Err(BulkError::Invalid { errors, .. })
            if set.is_some_and(|s| s.on.dependants().is_some()) =>
        {
            Err(AppError::Invalid(errors))
        }
        // The course chosen: full, or not there.
        Err(BulkError::Full { course, free, left }) => Err(AppError::Invalid(FieldErrors::single(
            set.map_or("", |s| s.field),
            not_fitting(&course, free, &left),
        ))),
        Err(BulkError::Db(DbError::Constraint(name))) if set.is_some() => {
            let message = match AppError::from(DbError::Constraint(name)) {
                AppError::Invalid(errors) => errors.messages().join(" "),
                other => other.to_string(),
            };
            Err(AppError::Invalid(FieldErrors::single(
                set.map_or("", |s| s.field),
                message,
            )))
        }
        Err(other) => Err(undo_refused(other)),
    }
}

/// The Apply's input, or why it cannot be (its hidden fields tampered
/// with: said as a refusal, not at fields the page does not show).
pub(crate) fn parsed(input: &BulkInput) -> Result<Bulk, AppError> {
    input.parse().map_err(|errors| {
        let all: Vec<String> = ["action", "ids", "count", "version"]
            .iter()
            .filter_map(|f| errors.get(f).map(str::to_owned))
            .collect();
        AppError::Refused(all.join(" "))
    })
}

/// `record`'s form as it is stored, with `field` set to `value`.
fn with_value<R: roster_core::domain::Record>(record: &R, field: &str, value: &str) -> R::Input {
    let mut fields = to_fields(&record.to_input());
    match fields.iter_mut().find(|(k, _)| k == field) {
        Some((_, old)) => value.clone_into(old),
        None => fields.push((field.to_owned(), value.to_owned())),
    }
    from_fields(fields)
}

/// Sets, on every record of `set.on`'s kind that depends on one of `chosen`
/// (of `R`), its key to them to `value`, as one batch of edits of
/// those records.
async fn move_dependants<R: RecordView>(
    ctx: &Ctx,
    set: &BulkSet,
    chosen: &[i64],
    value: &str,
    label: &str,
) -> Result<i64, BulkError> {
    let Some(child) = R::CHILDREN
        .iter()
        .find(|c| Some(c.kind) == set.on.dependants())
    else {
        return Err(BulkError::Db(DbError::NotFound(R::KIND)));
    };
    macro_rules! by_kind {
        ($($record:ty => $list:ty),* $(,)?) => {
            $(
                if child.kind == <$record as roster_core::domain::Record>::KIND {
                    return move_to::<$record>(ctx, child, set, chosen, value, label).await;
                }
            )*
        };
    }
    crate::record_types!(by_kind);
    Err(BulkError::Db(DbError::NotFound(child.kind)))
}

/// [`move_dependants`] for dependants of type `C`.
async fn move_to<C: RecordView>(
    ctx: &Ctx,
    child: &roster_core::db::Children,
    set: &BulkSet,
    chosen: &[i64],
    value: &str,
    label: &str,
) -> Result<i64, BulkError> {
    let ids = ctx.db.dependant_ids(child, chosen).await?;
    let records = ctx.db.records_of::<C>(&ids).await?;
    let mut edits = Vec::with_capacity(records.len());
    let titles: Vec<String> = records.iter().map(Record::title).collect();
    for record in &records {
        match with_value(record, child.column, value).parse() {
            Ok(valid) => edits.push((record.id(), record.version(), valid)),
            Err(errors) => {
                // The value chosen, at the confirmation's own field.
                let message = errors.get(child.column).map(str::to_owned);
                return Err(BulkError::Invalid {
                    id: record.id(),
                    title: record.title(),
                    errors: match message {
                        Some(m) => FieldErrors::single(set.field, m),
                        None => errors,
                    },
                });
            }
        }
    }
    // The dependants were not on the list: only their versions guard them.
    let action = format!("set:{}", child.column);
    ctx.db
        .bulk_save::<C>(&ctx.by(), &action, label, &edits, &titles, i64::MAX)
        .await
}

/// A refusal by one record's rules: at the field for the value chosen
/// (a handler that is not there), else naming the record.
fn at_record(title: &str, error: AppError, set: Option<&BulkSet>) -> AppError {
    match error {
        AppError::Invalid(errors) => match set.and_then(|s| errors.get(s.field)) {
            Some(message) => AppError::Invalid(FieldErrors::single(
                set.map_or("", |s| s.field),
                message.to_owned(),
            )),
            None => AppError::Refused(format!(
                "{title} cannot be saved as it is now: {}",
                errors.messages().join(" ")
            )),
        },
        AppError::Refused(why) => AppError::Refused(format!("{title}: {why} Nothing was applied.")),
        other => other,
    }
}

/// A value the form's rules refuse: at the field when it is the one
/// being set, else naming the record that cannot take it.
fn invalid<R: RecordView>(field: &str, record: &R, errors: FieldErrors) -> AppError {
    match errors.get(field) {
        Some(message) => AppError::Invalid(FieldErrors::single(field, message.to_owned())),
        None => AppError::Refused(format!(
            "{} cannot be saved as it is now ({}); edit it on its own page first. \
             Nothing was applied.",
            record.title(),
            errors.messages().join(" ")
        )),
    }
}

/// "2 of these pets changed since you chose them": what changed, and
/// the selection as it stands now, for the form to apply again.
async fn changed_since<R: RecordView>(
    ctx: &Ctx,
    records: &[R],
    changed: Vec<ChangedSince>,
    target: &Target,
) -> AppError {
    let ids = match target {
        Target::Ids(_) => join(records.iter().map(Record::id)),
        Target::Matching { .. } => String::new(),
    };
    // "All that match" is found again by its query on the next Apply.
    let count = match target {
        Target::Ids(_) => records.len(),
        Target::Matching { .. } => records.len().max(1),
    };
    changed_conflict(ctx, R::KIND, ids, count, changed).await
}

/// [`changed_since`] for records of `kind`: `ids` (comma-separated)
/// and `count` as the form should send them again.
pub(crate) async fn changed_conflict(
    ctx: &Ctx,
    kind: Kind,
    ids: String,
    count: usize,
    changed: Vec<ChangedSince>,
) -> AppError {
    let mark = match ctx.db.history_mark().await {
        Ok(mark) => mark,
        Err(e) => return e.into(),
    };
    let mut seen = std::collections::HashSet::new();
    let mut changes = Vec::new();
    for c in &changed {
        let what = describe_change(c);
        let title = if c.title.is_empty() {
            format!("#{}", c.id)
        } else {
            c.title.clone()
        };
        seen.insert(c.id);
        changes.push(Change {
            field: title,
            was: String::new(),
            now: what,
            link: None,
            diff: None,
        });
    }
    let noun = kind.plural();
    let n = seen.len().max(1);
    AppError::Conflict(Conflict {
        kind,
        version: mark,
        theirs: vec![("ids".into(), ids), ("count".into(), count.to_string())],
        deleting: false,
        changed: changes,
        bulk: Some(format!(
            "{} of these {noun} changed since you chose them, so nothing was applied. \
             What changed is listed below: review it, then apply again to go ahead.",
            thousands(n as i64)
        )),
    })
}

/// An undo (or an apply) that could not go ahead, in words.
pub(crate) fn undo_refused(error: BulkError) -> AppError {
    match error {
        BulkError::Changed(changed) => {
            let named: Vec<String> = changed
                .iter()
                .take(10)
                .map(|c| format!("{} ({})", c.title, describe_change(c)))
                .collect();
            AppError::Refused(format!(
                "It cannot be undone as a whole: {} changed since. {}",
                count_records(changed.len()),
                named.join("; ")
            ))
        }
        BulkError::At { title, error, .. } => match AppError::from(error) {
            AppError::Invalid(errors) => AppError::Refused(format!(
                "It cannot be undone: {title} — {}",
                errors.messages().join(" ")
            )),
            AppError::Refused(why) => {
                AppError::Refused(format!("It cannot be undone: {title} — {why}"))
            }
            other => other,
        },
        BulkError::Invalid { title, errors, .. } => AppError::Refused(format!(
            "It cannot be undone: {title} — {}",
            errors.messages().join(" ")
        )),
        BulkError::AlreadyUndone => AppError::Refused("It was undone already.".into()),
        BulkError::Full { course, free, left } => {
            AppError::Refused(not_fitting(&course, free, &left))
        }
        BulkError::Refused(why) => AppError::Refused(why),
        BulkError::NotInTrash(n) => AppError::Refused(format!(
            "It cannot be undone as a whole: {} no longer in the trash (restored one by \
             one, or emptied since).",
            match n {
                1 => "1 of its records is".to_owned(),
                n => format!("{} of its records are", thousands(n as i64)),
            }
        )),
        BulkError::Db(e) => e.into(),
    }
}

/// "CS101 Intro has 3 seats left: 2 did not fit (Ada, Alan)".
fn not_fitting(course: &str, free: usize, left: &[String]) -> String {
    const NAMED: usize = 20;
    let mut names = left
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if left.len() > NAMED {
        names.push_str(&format!(
            " and {} more",
            thousands((left.len() - NAMED) as i64)
        ));
    }
    let seats = match free {
        0 => "no seats left".to_owned(),
        1 => "1 seat left".to_owned(),
        n => format!("{} seats left", thousands(n as i64)),
    };
    format!(
        "{course} has {seats}: {} did not fit ({names}). Nothing was applied.",
        Kind::Student.count(left.len() as i64)
    )
}

fn count_records(n: usize) -> String {
    match n {
        1 => "1 record".to_owned(),
        n => format!("{} records", thousands(n as i64)),
    }
}
