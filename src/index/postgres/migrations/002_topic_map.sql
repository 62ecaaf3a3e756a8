-- The topic map (src/index/topic-map.ts) of each generation, computed by the ingest like the calibration.
ALTER TABLE generations ADD COLUMN topic_map jsonb;
