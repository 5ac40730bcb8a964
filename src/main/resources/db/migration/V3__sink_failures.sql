-- Records a database sink could not write after its bounded attempts (or could not read at all). The record's
-- offset completes once it is here, so one bad record never stalls its partition; an operator reads this table.
CREATE TABLE sink_failures (
  id             BIGSERIAL   PRIMARY KEY,
  sink           TEXT        NOT NULL,
  topic          TEXT        NOT NULL,
  kafka_partition INT        NOT NULL,
  kafka_offset   BIGINT      NOT NULL,
  reason         TEXT        NOT NULL,
  attempts       INT         NOT NULL,
  record         TEXT,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (sink, topic, kafka_partition, kafka_offset)
);
