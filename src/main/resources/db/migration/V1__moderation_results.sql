-- One row per (event, pipeline): the store consumer upserts, so redelivery changes nothing.
CREATE TABLE moderation_results (
  event_id      TEXT        NOT NULL,
  pipeline      TEXT        NOT NULL,
  product_id    TEXT        NOT NULL,
  user_id       TEXT        NOT NULL,
  rating        SMALLINT    NOT NULL CHECK (rating BETWEEN 1 AND 5),
  review_text   TEXT        NOT NULL,
  flagged       BOOLEAN     NOT NULL,
  verdict       JSONB       NOT NULL,
  model         TEXT        NOT NULL,
  tier          TEXT        NOT NULL,
  cost_usd      NUMERIC(14, 8) NOT NULL,
  event_time    TIMESTAMPTZ NOT NULL,
  processed_at  TIMESTAMPTZ NOT NULL,
  stored_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, pipeline)
);

CREATE INDEX moderation_results_flagged ON moderation_results (pipeline, processed_at DESC) WHERE flagged;
