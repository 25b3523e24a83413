BEGIN TRANSACTION;
CREATE TABLE nodegen_delivered_nodes (
	"key" VARCHAR NOT NULL, 
	repository VARCHAR NOT NULL, 
	installation_id INTEGER NOT NULL, 
	path VARCHAR NOT NULL, 
	node_name VARCHAR NOT NULL, 
	branch VARCHAR NOT NULL, 
	pr_number INTEGER, 
	commit_sha VARCHAR NOT NULL, 
	lock TEXT NOT NULL, 
	delivered_at FLOAT NOT NULL, 
	regenerated_for VARCHAR DEFAULT '' NOT NULL, 
	regeneration_pr INTEGER, 
	PRIMARY KEY ("key")
);
INSERT INTO "nodegen_delivered_nodes" VALUES('octo-org/hello:src/nodes/node_ledger_effect','octo-org/hello',7,'src/nodes/node_ledger_effect','node_ledger_effect','nodegen/ledger_effect',10,'0000000000000000000000000000000000000001','{"template_set": "3", "files": {}}',1.79658152803660321238e+09,'4',12);
INSERT INTO "nodegen_delivered_nodes" VALUES('octo-org/hello:src/nodes/node_digest_compute','octo-org/hello',7,'src/nodes/node_digest_compute','node_digest_compute','nodegen/digest_compute',11,'0000000000000000000000000000000000000002','{"template_set": "3", "files": {}}',1.79658152803929448129e+09,'',NULL);
CREATE TABLE nodegen_deliveries (
	delivery_id VARCHAR NOT NULL, 
	event VARCHAR NOT NULL, 
	body BLOB NOT NULL, 
	received_at FLOAT NOT NULL, 
	status VARCHAR DEFAULT 'new' NOT NULL, 
	note VARCHAR DEFAULT '' NOT NULL, 
	attempts INTEGER DEFAULT '0' NOT NULL, 
	next_attempt_at FLOAT DEFAULT '0' NOT NULL, 
	PRIMARY KEY (delivery_id)
);
INSERT INTO "nodegen_deliveries" VALUES('delivery-0','issue_comment',X'7B22616374696F6E223A202263726561746564222C20226E223A20307D',1.7965815280201640129e+09,'done','queued ledger_effect-000000000000',0,0.0);
INSERT INTO "nodegen_deliveries" VALUES('delivery-1','issue_comment',X'7B22616374696F6E223A202263726561746564222C20226E223A20317D',1.79658152802128839495e+09,'new','',0,0.0);
INSERT INTO "nodegen_deliveries" VALUES('delivery-2','issue_comment',X'7B22616374696F6E223A202263726561746564222C20226E223A20327D',1.79658152802182888982e+09,'dead','permanent: not a comment we answer',1,0.0);
CREATE TABLE nodegen_runs (
	seq INTEGER NOT NULL, 
	request_id VARCHAR NOT NULL, 
	delivery_id VARCHAR NOT NULL, 
	status VARCHAR DEFAULT 'pending' NOT NULL, 
	created_at FLOAT NOT NULL, 
	claimed_at FLOAT, 
	attempts INTEGER DEFAULT '0' NOT NULL, 
	next_attempt_at FLOAT DEFAULT '0' NOT NULL, 
	error VARCHAR DEFAULT '' NOT NULL, 
	PRIMARY KEY (seq), 
	UNIQUE (request_id)
);
INSERT INTO "nodegen_runs" VALUES(1,'ledger_effect-000000000000','delivery-0','done',1.79658152802523112291e+09,1.79658152802764701843e+09,0,0.0,'');
INSERT INTO "nodegen_runs" VALUES(2,'ledger_effect-000000000001','delivery-1','pending',1.79658152802623701091e+09,NULL,1,1.79658153003134083746e+09,'retrying: GitHub answered 502');
INSERT INTO "nodegen_runs" VALUES(3,'ledger_effect-000000000002','delivery-2','pending',1.79658152802685379986e+09,NULL,0,0.0,'');
CREATE TABLE nodegen_thread_requests (
	seq INTEGER NOT NULL, 
	repository VARCHAR NOT NULL, 
	issue_number INTEGER NOT NULL, 
	request_id VARCHAR NOT NULL, 
	PRIMARY KEY (seq)
);
INSERT INTO "nodegen_thread_requests" VALUES(1,'octo-org/hello',3,'ledger_effect-000000000000');
INSERT INTO "nodegen_thread_requests" VALUES(2,'octo-org/hello',3,'ledger_effect-000000000001');
COMMIT;
