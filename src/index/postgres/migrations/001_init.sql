-- paperchat's Postgres store (docs/postgres-store.md). Applied once, inside a transaction.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pg_textsearch;

-- One row per ingest. Its papers and units live in partitions papers_g<id> / units_g<id>,
-- each with its own BM25 and HNSW index, so a generation is built, served and dropped whole.
CREATE TABLE generations (
  id bigserial PRIMARY KEY,
  build_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('building', 'ready', 'retired', 'failed')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  retired_at timestamptz,
  -- src/index/manifest.ts, the similarity calibration and the ingest report, as JSON.
  manifest jsonb,
  calibration jsonb,
  report jsonb
);

-- The generation every replica serves; one transaction moves it (and NOTIFYs paperchat_generation).
CREATE TABLE live_generation (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation_id bigint NOT NULL REFERENCES generations (id),
  switched_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE papers (
  generation_id bigint NOT NULL,
  paper_id text NOT NULL,
  ordinal integer NOT NULL,
  -- The whole paper (title, abstract, sources, links, metadata) as the files store keeps it.
  paper jsonb NOT NULL,
  -- Title and abstract, indexed for BM25 by pg_textsearch.
  body text NOT NULL,
  PRIMARY KEY (generation_id, paper_id)
) PARTITION BY LIST (generation_id);

CREATE TABLE units (
  generation_id bigint NOT NULL,
  chunk_id text NOT NULL,
  paper_id text NOT NULL,
  ordinal integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('title', 'sentence', 'chunk')),
  position integer NOT NULL,
  start_offset integer NOT NULL,
  end_offset integer NOT NULL,
  text_hash bytea NOT NULL,
  -- Unit length; the dimension is the embedder's, fixed per generation by its HNSW expression index.
  embedding vector NOT NULL,
  PRIMARY KEY (generation_id, chunk_id)
) PARTITION BY LIST (generation_id);

-- Embeddings already computed, shared by every replica and ingest worker.
CREATE TABLE embedding_cache (
  embedder_id text NOT NULL,
  text_hash bytea NOT NULL,
  embedding vector NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (embedder_id, text_hash)
);

-- At most one ingest at a time: a lease with an expiry, renewed while the ingest runs.
CREATE TABLE ingest_lease (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  holder text NOT NULL,
  build_id text NOT NULL,
  expires_at timestamptz NOT NULL
);
