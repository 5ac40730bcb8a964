-- Dead-lettered events waiting for a human. One row per DLQ record (idempotent on its position).
CREATE TABLE manual_review (
  id             BIGSERIAL   PRIMARY KEY,
  dlq_topic      TEXT        NOT NULL,
  dlq_partition  INT         NOT NULL,
  dlq_offset     BIGINT      NOT NULL,
  event_id       TEXT,
  pipeline       TEXT,
  error_type     TEXT        NOT NULL,
  error_message  TEXT        NOT NULL,
  retry_count    INT         NOT NULL DEFAULT 0,
  payload        JSONB       NOT NULL,
  status         TEXT        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'replayed')),
  decided_by     TEXT,
  decided_at     TIMESTAMPTZ,
  decision       TEXT,
  note           TEXT,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (dlq_topic, dlq_partition, dlq_offset)
);

CREATE INDEX manual_review_queue ON manual_review (status, pipeline, id);
