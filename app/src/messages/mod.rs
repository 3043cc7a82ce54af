//! The contact form (public) and the administrators' inbox.

use leptos::prelude::*;
use leptos_meta::Title;
use roster_core::domain::{
    urls, ContactInput, Kind, Message, MessageList, MessageSort, NoFields, QueryOf, EMAIL_MAX,
    MESSAGE_MAX, SENDER_MAX, SUBJECT_MAX,
};

use crate::components::status::Notice;
use crate::error::AppError;
use crate::record::action::FormAction;
use crate::record::form::{action_form, FieldCtx, FieldSpec, FormConfig, Then, Widget};
use crate::record::list::{
    record_list, use_list_query, Column, ListChunk, ListConfig, ListView, Readers,
};
use crate::record::page::{failed, route_id};

/// At most this many messages per client address…
pub const MESSAGES_PER_WINDOW: i64 = 5;
/// …within this many seconds.
pub const MESSAGE_WINDOW_SECS: i64 = 60 * 60;

#[leptos::server(name = SendMessageFn, prefix = "/api", endpoint = "contact/send")]
pub async fn send_message(input: ContactInput) -> Result<(), AppError> {
    crate::record::action::serve::<SendMessage>((), input).await
}

crate::list_api!(list_messages / ListMessages = "messages/list" for MessageList);

/// A message, marked read as it is opened; administrators only.
#[leptos::server(prefix = "/api", endpoint = "messages/open")]
pub async fn open_message(id: i64) -> Result<Option<Message>, AppError> {
    crate::service::read(|ctx| async move {
        ctx.actor.require_admin()?;
        Ok(ctx
            .db
            .open_message(&ctx.by(), id, crate::service::accounts::now())
            .await?)
    })
    .await
}

#[leptos::server(name = MarkUnreadFn, prefix = "/api", endpoint = "messages/unread")]
pub async fn mark_unread(id: i64) -> Result<(), AppError> {
    crate::record::action::serve::<MarkUnread>(id, NoFields {}).await
}

#[leptos::server(name = DeleteMessageFn, prefix = "/api", endpoint = "messages/delete")]
pub async fn delete_message(id: i64) -> Result<(), AppError> {
    crate::record::action::serve::<DeleteMessage>(id, NoFields {}).await
}

/// Sends a message with the contact form; anyone may, signed in or not.
pub struct SendMessage;

impl FormAction for SendMessage {
    const ROUTE: urls::Pattern = urls::CONTACT;
    type Ids = ();
    type Input = ContactInput;
    type Output = ();
    type Call = SendMessageFn;

    fn call(_: (), input: ContactInput) -> SendMessageFn {
        SendMessageFn { input }
    }

    fn next(_: &(), _: &()) -> String {
        urls::contact_thanks()
    }

    /// A form caught in the honeypot is accepted silently and not stored;
    /// past the limit per client address, the sender is told when to try
    /// again, with what they typed kept.
    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, _: (), input: ContactInput) -> Result<(), AppError> {
        use roster_core::domain::FormInput;
        if input.is_spam() {
            tracing::info!("contact form caught in the honeypot; not stored");
            return Ok(());
        }
        let new = input.parse().map_err(AppError::Invalid)?;
        let key =
            crate::service::accounts::hashed_key(&format!("contact:{}", ctx.actor.client.addr));
        match ctx
            .db
            .store_message(
                &ctx.by(),
                &new,
                &key,
                MESSAGE_WINDOW_SECS,
                MESSAGES_PER_WINDOW,
            )
            .await?
        {
            Ok(id) => {
                tracing::info!(message = id, "contact message stored");
                Ok(())
            }
            Err(retry_after_secs) => {
                tracing::warn!("contact form limit reached");
                Err(AppError::RateLimited { retry_after_secs })
            }
        }
    }
}

/// Marks a message unread again; administrators only.
pub struct MarkUnread;

impl FormAction for MarkUnread {
    const ROUTE: urls::Pattern = urls::MESSAGE_UNREAD;
    type Ids = i64;
    type Input = NoFields;
    type Output = ();
    type Call = MarkUnreadFn;

    fn call(id: i64, _: NoFields) -> MarkUnreadFn {
        MarkUnreadFn { id }
    }

    fn next(_: &i64, _: &()) -> String {
        urls::messages()
    }

    fn page(id: &i64) -> String {
        urls::message(*id)
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, id: i64, _: NoFields) -> Result<(), AppError> {
        let admin = ctx.actor.require_admin()?.id;
        ctx.db.mark_unread(&ctx.by(), id).await?;
        tracing::info!(admin, message = id, "message marked unread");
        Ok(())
    }
}

/// Deletes a message; administrators only.
pub struct DeleteMessage;

impl FormAction for DeleteMessage {
    const ROUTE: urls::Pattern = urls::MESSAGE_DELETE;
    type Ids = i64;
    type Input = NoFields;
    type Output = ();
    type Call = DeleteMessageFn;

    fn call(id: i64, _: NoFields) -> DeleteMessageFn {
        DeleteMessageFn { id }
    }

    fn next(_: &i64, _: &()) -> String {
        format!("{}?deleted=1", urls::messages())
    }

    fn page(id: &i64) -> String {
        urls::message(*id)
    }

    #[cfg(feature = "ssr")]
    async fn run(ctx: &crate::service::Ctx, id: i64, _: NoFields) -> Result<(), AppError> {
        let admin = ctx.actor.require_admin()?.id;
        ctx.db.delete_message(&ctx.by(), id).await?;
        tracing::info!(admin, message = id, "message deleted");
        Ok(())
    }
}

/// A field people never see: only programs fill it in.
fn honeypot(field: FieldCtx) -> AnyView {
    view! {
        <input type="text" id=field.id() name=field.spec.name value="" tabindex="-1"
            autocomplete="off"/>
    }
    .into_any()
}

const CONTACT_FIELDS: &[FieldSpec] = &[
    FieldSpec::text("name", "Your name", SENDER_MAX)
        .half()
        .autocomplete("name"),
    FieldSpec::new("email", "Your email", Widget::Email)
        .max(EMAIL_MAX)
        .half()
        .autocomplete("email"),
    FieldSpec::text("subject", "Subject", SUBJECT_MAX),
    FieldSpec::new("message", "Message", Widget::TextArea { rows: 8 }).max(MESSAGE_MAX),
    FieldSpec::new("website", "Leave this empty", Widget::Custom(honeypot)),
];

/// The contact form: public, linked from every page's footer.
#[component]
pub fn ContactPage() -> impl IntoView {
    let form = action_form::<SendMessage>(FormConfig {
        ids: (),
        initial: ContactInput::default(),
        fields: CONTACT_FIELDS,
        submit: "Send message".into(),
        pending: "Sending…".into(),
        cancel: None,
        class: "contact-form",
        id_prefix: "",
        then: Then::Navigate,
        confirm: None,
    });
    view! {
        <Title text="Contact"/>
        <h1>"Contact us"</h1>
        <p>"Write to the people who run this Roster: we read every message."</p>
        {form}
    }
}

#[component]
pub fn ThanksPage() -> impl IntoView {
    view! {
        <Title text="Thank you"/>
        <h1>"Thank you"</h1>
        <p>"Your message has been sent. We will answer at the email address you gave."</p>
        <p><a href=urls::contact()>"Send another message"</a></p>
    }
}

impl ListView for MessageList {
    const DOWNLOAD: Option<&'static str> = Some("messages");
    type Row = Message;
    const READERS: Readers = Readers::Admins;
    const BULK: Option<urls::Pattern> = Some(<Self as crate::row_bulk::RowBulk>::ROUTE);
    const BULK_SETS: &'static [crate::bulk::BulkSet] = &[
        crate::bulk::BulkSet::plain("read", "Mark read"),
        crate::bulk::BulkSet::plain("unread", "Mark unread"),
    ];
    const COLUMNS: &'static [Column<MessageSort>] = &[
        Column::plain("From", "name"),
        Column::plain("Subject", "subject"),
        Column::sorted("Received", "date", MessageSort::Oldest, MessageSort::Newest),
        Column::unlabelled("Status", "status"),
    ];
    const SEARCH_HINT: &'static str = "Sender or subject";

    fn fetch(
        query: QueryOf<Self>,
    ) -> impl std::future::Future<Output = Result<ListChunk, AppError>> + Send + 'static {
        list_messages(query)
    }

    #[cfg(feature = "ssr")]
    fn ticked(m: &Message) -> Option<(i64, String)> {
        Some((m.id, m.subject.clone()))
    }

    /// A message: who from, its subject (a link), when; unread ones stand out.
    #[cfg(feature = "ssr")]
    fn row(m: &Message, _: &crate::service::Actor, out: &mut crate::html::Html) {
        out.raw(if m.read {
            "<tr>"
        } else {
            "<tr class=\"unread\">"
        })
        .raw("<td class=\"name\">")
        .text(&m.name)
        .raw(" <span class=\"muted\">")
        .text(&m.email)
        .raw("</span></td>")
        .link_to("", urls::MESSAGE, m.id, &m.subject)
        .date_cell(m.created_at)
        .raw(if m.read {
            "<td class=\"status\">Read</td>"
        } else {
            "<td class=\"status\"><strong>Unread</strong></td>"
        })
        .raw("</tr>");
    }
}

/// The inbox, newest first; administrators only.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let query = use_list_query::<MessageList>();
    let params = leptos_router::hooks::use_query_map();
    let deleted = move || params.with(|p| p.get_str("deleted").is_some());
    view! {
        <Title text="Messages"/>
        <h1>"Messages"</h1>
        {move || deleted().then(|| view! { <Notice kind="success">"Message deleted."</Notice> })}
        {record_list::<MessageList>(query, ListConfig {
            search: true,
            empty: "No messages yet.",
            refresh: Signal::stored(0),
            on_delete: None,
            on_action: None,
        })}
    }
}

/// One message, opened (which marks it read).
#[component]
pub fn MessagePage() -> impl IntoView {
    let id = route_id("id");
    let message = Resource::new(
        move || id.try_get().flatten(),
        |id| async move {
            match id {
                Some(id) => open_message(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match message.await {
                    Ok(Some(m)) => message_view(m),
                    Ok(None) => crate::record::page::missing(Kind::Message, urls::MESSAGES),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

fn message_view(m: Message) -> AnyView {
    let id = m.id;
    let unread = action_form::<MarkUnread>(FormConfig {
        ids: id,
        initial: NoFields {},
        fields: &[],
        submit: "Mark unread".into(),
        pending: "Saving…".into(),
        cancel: None,
        class: "inline-form",
        id_prefix: "",
        then: Then::Navigate,
        confirm: None,
    });
    let delete = action_form::<DeleteMessage>(FormConfig {
        ids: id,
        initial: NoFields {},
        fields: &[],
        submit: "Delete message".into(),
        pending: "Deleting…".into(),
        cancel: None,
        class: "inline-form danger-form",
        id_prefix: "",
        then: Then::Navigate,
        confirm: Some("Delete this message? This cannot be undone.".into()),
    });
    view! {
        <Title text=m.subject.clone()/>
        <article class="detail message">
            <h1>{m.subject}</h1>
            <dl class="facts">
                <dt>"From"</dt>
                <dd class="sender">{m.name}" "<a href=format!("mailto:{}", m.email)>{m.email.clone()}</a></dd>
                <dt>"Received"</dt>
                <dd><time datetime=m.created_at.to_rfc3339()>{m.created_at.datetime_label()}</time></dd>
            </dl>
            <p class="bio full message-body">{m.body}</p>
            <div class="actions">
                {unread}
                {delete}
                <a class="button secondary" href=urls::messages()>"Back to the messages"</a>
            </div>
        </article>
    }
    .into_any()
}

impl crate::row_bulk::RowBulk for MessageList {
    const ROUTE: urls::Pattern = urls::BULK_MESSAGES;
    type Path = ();

    fn scoped(_: &mut <Self as roster_core::domain::Listing>::Filter, _: &()) {}

    #[cfg(feature = "ssr")]
    fn href(m: &Message) -> String {
        urls::message(m.id)
    }

    #[cfg(feature = "ssr")]
    fn note(m: &Message) -> String {
        let state = if m.read { "read" } else { "unread" };
        format!("from {} · {state}", m.name)
    }

    #[cfg(feature = "ssr")]
    async fn apply(
        ctx: &crate::service::Ctx,
        action: &roster_core::domain::bulk::BulkAction,
        ids: &[i64],
        mark: i64,
    ) -> Result<i64, roster_core::db::BulkError> {
        use roster_core::db::{BulkError, MessageOp};
        use roster_core::domain::bulk::BulkAction;
        let op = match action {
            BulkAction::Delete => MessageOp::Delete,
            BulkAction::Set(field) if field == "read" => MessageOp::Read,
            BulkAction::Set(field) if field == "unread" => MessageOp::Unread,
            _ => return Err(BulkError::Refused("Messages have no such action.".into())),
        };
        let now = crate::service::accounts::now();
        ctx.db.bulk_messages(&ctx.by(), ids, op, mark, now).await
    }
}
