-- The activity log reads every record's history newest first, filtered by
-- record type, action or day (by account: history_account_idx).
CREATE INDEX history_kind_idx ON history (kind, id);
CREATE INDEX history_action_idx ON history (action, id);
CREATE INDEX history_at_idx ON history (at);
