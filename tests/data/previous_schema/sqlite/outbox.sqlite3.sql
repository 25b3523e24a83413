BEGIN TRANSACTION;
CREATE TABLE nodegen_outbox (
	seq INTEGER NOT NULL, 
	envelope_id VARCHAR NOT NULL, 
	topic VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	value TEXT NOT NULL, 
	created_at FLOAT NOT NULL, 
	published_at FLOAT, 
	PRIMARY KEY (seq), 
	UNIQUE (envelope_id)
);
INSERT INTO "nodegen_outbox" VALUES(1,'00000000-0000-0000-0000-000000000001','dev.onex.evt.node-generation-started.v1','ledger_effect-000000000000','{"envelope_id":"00000000-0000-0000-0000-000000000001","event_type":"NODE_GENERATION_STARTED","version":"v1","timestamp":"2025-01-01T00:00:00+00:00","source":"onex-nodegen","correlation_id":"corr-0","workflow_id":"ledger_effect-000000000000","payload":{}}',1.79658152800613069534e+09,1.79658152800883769983e+09);
INSERT INTO "nodegen_outbox" VALUES(2,'00000000-0000-0000-0000-000000000002','dev.onex.evt.node-generation-started.v1','ledger_effect-000000000001','{"envelope_id":"00000000-0000-0000-0000-000000000002","event_type":"NODE_GENERATION_STARTED","version":"v1","timestamp":"2025-01-01T00:00:00+00:00","source":"onex-nodegen","correlation_id":"corr-1","workflow_id":"ledger_effect-000000000001","payload":{}}',1.79658152800744724277e+09,NULL);
INSERT INTO "nodegen_outbox" VALUES(3,'00000000-0000-0000-0000-000000000003','dev.onex.evt.node-generation-started.v1','ledger_effect-000000000002','{"envelope_id":"00000000-0000-0000-0000-000000000003","event_type":"NODE_GENERATION_STARTED","version":"v1","timestamp":"2025-01-01T00:00:00+00:00","source":"onex-nodegen","correlation_id":"corr-2","workflow_id":"ledger_effect-000000000002","payload":{}}',1.79658152800802516937e+09,NULL);
CREATE TABLE nodegen_outbox_cursors (
	run_id VARCHAR NOT NULL, 
	storage_id INTEGER NOT NULL, 
	PRIMARY KEY (run_id)
);
INSERT INTO "nodegen_outbox_cursors" VALUES('11111111-1111-1111-1111-111111111111',42);
INSERT INTO "nodegen_outbox_cursors" VALUES('22222222-2222-2222-2222-222222222222',7);
COMMIT;
