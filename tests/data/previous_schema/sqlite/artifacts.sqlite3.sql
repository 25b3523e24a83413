BEGIN TRANSACTION;
CREATE TABLE nodegen_artifacts (
	workflow_id VARCHAR NOT NULL, 
	node_name VARCHAR NOT NULL, 
	files TEXT NOT NULL, 
	reason TEXT NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (workflow_id)
);
INSERT INTO "nodegen_artifacts" VALUES('ledger_effect-000000000000','ledger_effect','{"node_ledger_effect/node.py": "VALUE = 0\n"}','disk full',1.79658152799735260007e+09);
INSERT INTO "nodegen_artifacts" VALUES('ledger_effect-000000000001','ledger_effect','{"node_ledger_effect/node.py": "VALUE = 1\n"}','disk full',1.79658152799891018868e+09);
CREATE TABLE nodegen_requests (
	request_id VARCHAR NOT NULL, 
	body TEXT NOT NULL, 
	created_at FLOAT NOT NULL, 
	PRIMARY KEY (request_id)
);
INSERT INTO "nodegen_requests" VALUES('ledger_effect-000000000000','{"request_id":"ledger_effect-000000000000","prompt":"Create an Effect node named ledger_effect (0)","options":{"node_type":null,"name":null,"enable_intelligence":true,"target":"onex","package":"","copyright_holder":"OmniNode.ai Inc.","license":"MIT"},"output_dir":null,"correlation_id":"corr-0","github":{"repository":"octo-org/hello","installation_id":7,"issue_number":3,"is_pull_request":false,"branch":null,"comment_id":99,"requester":"alice","head_sha":"0000000000000000000000000000000000000000","check_run_id":null,"output_base":"nodes","source_root":"","labels":[],"reviewers":[],"draft":false},"style":null}',1.79658152799491977694e+09);
INSERT INTO "nodegen_requests" VALUES('ledger_effect-000000000001','{"request_id":"ledger_effect-000000000001","prompt":"Create an Effect node named ledger_effect (1)","options":{"node_type":null,"name":null,"enable_intelligence":true,"target":"onex","package":"","copyright_holder":"OmniNode.ai Inc.","license":"MIT"},"output_dir":"/work/out-1","correlation_id":"corr-1","github":null,"style":null}',1.79658152799632716179e+09);
INSERT INTO "nodegen_requests" VALUES('ledger_effect-000000000002','{"request_id":"ledger_effect-000000000002","prompt":"Create an Effect node named ledger_effect (2)","options":{"node_type":null,"name":null,"enable_intelligence":true,"target":"onex","package":"","copyright_holder":"OmniNode.ai Inc.","license":"MIT"},"output_dir":"/work/out-2","correlation_id":"corr-2","github":null,"style":null}',1.79658152799690365788e+09);
COMMIT;
