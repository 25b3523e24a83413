


SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET transaction_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;


CREATE TABLE public.nodegen_artifacts (
    workflow_id character varying NOT NULL,
    node_name character varying NOT NULL,
    files text NOT NULL,
    reason text NOT NULL,
    created_at double precision NOT NULL
);



CREATE TABLE public.nodegen_delivered_nodes (
    key character varying NOT NULL,
    repository character varying NOT NULL,
    installation_id integer NOT NULL,
    path character varying NOT NULL,
    node_name character varying NOT NULL,
    branch character varying NOT NULL,
    pr_number integer,
    commit_sha character varying NOT NULL,
    lock text NOT NULL,
    delivered_at double precision NOT NULL,
    regenerated_for character varying DEFAULT ''::character varying NOT NULL,
    regeneration_pr integer
);



CREATE TABLE public.nodegen_deliveries (
    delivery_id character varying NOT NULL,
    event character varying NOT NULL,
    body bytea NOT NULL,
    received_at double precision NOT NULL,
    status character varying DEFAULT 'new'::character varying NOT NULL,
    note character varying DEFAULT ''::character varying NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at double precision DEFAULT '0'::double precision NOT NULL
);



CREATE TABLE public.nodegen_outbox (
    seq integer NOT NULL,
    envelope_id character varying NOT NULL,
    topic character varying NOT NULL,
    key character varying NOT NULL,
    value text NOT NULL,
    created_at double precision NOT NULL,
    published_at double precision
);



CREATE TABLE public.nodegen_outbox_cursors (
    run_id character varying NOT NULL,
    storage_id integer NOT NULL
);



CREATE SEQUENCE public.nodegen_outbox_seq_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;



ALTER SEQUENCE public.nodegen_outbox_seq_seq OWNED BY public.nodegen_outbox.seq;



CREATE TABLE public.nodegen_requests (
    request_id character varying NOT NULL,
    body text NOT NULL,
    created_at double precision NOT NULL
);



CREATE TABLE public.nodegen_runs (
    seq integer NOT NULL,
    request_id character varying NOT NULL,
    delivery_id character varying NOT NULL,
    status character varying DEFAULT 'pending'::character varying NOT NULL,
    created_at double precision NOT NULL,
    claimed_at double precision,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at double precision DEFAULT '0'::double precision NOT NULL,
    error character varying DEFAULT ''::character varying NOT NULL
);



CREATE SEQUENCE public.nodegen_runs_seq_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;



ALTER SEQUENCE public.nodegen_runs_seq_seq OWNED BY public.nodegen_runs.seq;



CREATE TABLE public.nodegen_thread_requests (
    seq integer NOT NULL,
    repository character varying NOT NULL,
    issue_number integer NOT NULL,
    request_id character varying NOT NULL
);



CREATE SEQUENCE public.nodegen_thread_requests_seq_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;



ALTER SEQUENCE public.nodegen_thread_requests_seq_seq OWNED BY public.nodegen_thread_requests.seq;



ALTER TABLE ONLY public.nodegen_outbox ALTER COLUMN seq SET DEFAULT nextval('public.nodegen_outbox_seq_seq'::regclass);



ALTER TABLE ONLY public.nodegen_runs ALTER COLUMN seq SET DEFAULT nextval('public.nodegen_runs_seq_seq'::regclass);



ALTER TABLE ONLY public.nodegen_thread_requests ALTER COLUMN seq SET DEFAULT nextval('public.nodegen_thread_requests_seq_seq'::regclass);



INSERT INTO public.nodegen_artifacts VALUES ('ledger_effect-000000000000', 'ledger_effect', '{"node_ledger_effect/node.py": "VALUE = 0\n"}', 'disk full', 1796581529.8395963);
INSERT INTO public.nodegen_artifacts VALUES ('ledger_effect-000000000001', 'ledger_effect', '{"node_ledger_effect/node.py": "VALUE = 1\n"}', 'disk full', 1796581529.8421853);



INSERT INTO public.nodegen_delivered_nodes VALUES ('octo-org/hello:src/nodes/node_digest_compute', 'octo-org/hello', 7, 'src/nodes/node_digest_compute', 'node_digest_compute', 'nodegen/digest_compute', 11, '0000000000000000000000000000000000000002', '{"template_set": "3", "files": {}}', 1796581529.9696596, '', NULL);
INSERT INTO public.nodegen_delivered_nodes VALUES ('octo-org/hello:src/nodes/node_ledger_effect', 'octo-org/hello', 7, 'src/nodes/node_ledger_effect', 'node_ledger_effect', 'nodegen/ledger_effect', 10, '0000000000000000000000000000000000000001', '{"template_set": "3", "files": {}}', 1796581529.9663668, '4', 12);



INSERT INTO public.nodegen_deliveries VALUES ('delivery-1', 'issue_comment', '\x7b22616374696f6e223a202263726561746564222c20226e223a20317d', 1796581529.9237063, 'new', '', 0, 0);
INSERT INTO public.nodegen_deliveries VALUES ('delivery-0', 'issue_comment', '\x7b22616374696f6e223a202263726561746564222c20226e223a20307d', 1796581529.9210074, 'done', 'queued ledger_effect-000000000000', 0, 0);
INSERT INTO public.nodegen_deliveries VALUES ('delivery-2', 'issue_comment', '\x7b22616374696f6e223a202263726561746564222c20226e223a20327d', 1796581529.9260898, 'dead', 'permanent: not a comment we answer', 1, 0);



INSERT INTO public.nodegen_outbox VALUES (2, '00000000-0000-0000-0000-000000000002', 'dev.onex.evt.node-generation-started.v1', 'ledger_effect-000000000001', '{"envelope_id":"00000000-0000-0000-0000-000000000002","event_type":"NODE_GENERATION_STARTED","version":"v1","timestamp":"2025-01-01T00:00:00+00:00","source":"onex-nodegen","correlation_id":"corr-1","workflow_id":"ledger_effect-000000000001","payload":{}}', 1796581529.8678067, NULL);
INSERT INTO public.nodegen_outbox VALUES (3, '00000000-0000-0000-0000-000000000003', 'dev.onex.evt.node-generation-started.v1', 'ledger_effect-000000000002', '{"envelope_id":"00000000-0000-0000-0000-000000000003","event_type":"NODE_GENERATION_STARTED","version":"v1","timestamp":"2025-01-01T00:00:00+00:00","source":"onex-nodegen","correlation_id":"corr-2","workflow_id":"ledger_effect-000000000002","payload":{}}', 1796581529.8711367, NULL);
INSERT INTO public.nodegen_outbox VALUES (1, '00000000-0000-0000-0000-000000000001', 'dev.onex.evt.node-generation-started.v1', 'ledger_effect-000000000000', '{"envelope_id":"00000000-0000-0000-0000-000000000001","event_type":"NODE_GENERATION_STARTED","version":"v1","timestamp":"2025-01-01T00:00:00+00:00","source":"onex-nodegen","correlation_id":"corr-0","workflow_id":"ledger_effect-000000000000","payload":{}}', 1796581529.8615015, 1796581529.873069);



INSERT INTO public.nodegen_outbox_cursors VALUES ('11111111-1111-1111-1111-111111111111', 42);
INSERT INTO public.nodegen_outbox_cursors VALUES ('22222222-2222-2222-2222-222222222222', 7);



INSERT INTO public.nodegen_requests VALUES ('ledger_effect-000000000000', '{"request_id":"ledger_effect-000000000000","prompt":"Create an Effect node named ledger_effect (0)","options":{"node_type":null,"name":null,"enable_intelligence":true,"target":"onex","package":"","copyright_holder":"OmniNode.ai Inc.","license":"MIT"},"output_dir":null,"correlation_id":"corr-0","github":{"repository":"octo-org/hello","installation_id":7,"issue_number":3,"is_pull_request":false,"branch":null,"comment_id":99,"requester":"alice","head_sha":"0000000000000000000000000000000000000000","check_run_id":null,"output_base":"nodes","source_root":"","labels":[],"reviewers":[],"draft":false},"style":null}', 1796581529.8334157);
INSERT INTO public.nodegen_requests VALUES ('ledger_effect-000000000001', '{"request_id":"ledger_effect-000000000001","prompt":"Create an Effect node named ledger_effect (1)","options":{"node_type":null,"name":null,"enable_intelligence":true,"target":"onex","package":"","copyright_holder":"OmniNode.ai Inc.","license":"MIT"},"output_dir":"/work/out-1","correlation_id":"corr-1","github":null,"style":null}', 1796581529.8369923);
INSERT INTO public.nodegen_requests VALUES ('ledger_effect-000000000002', '{"request_id":"ledger_effect-000000000002","prompt":"Create an Effect node named ledger_effect (2)","options":{"node_type":null,"name":null,"enable_intelligence":true,"target":"onex","package":"","copyright_holder":"OmniNode.ai Inc.","license":"MIT"},"output_dir":"/work/out-2","correlation_id":"corr-2","github":null,"style":null}', 1796581529.838303);



INSERT INTO public.nodegen_runs VALUES (3, 'ledger_effect-000000000002', 'delivery-2', 'pending', 1796581529.9377398, NULL, 0, 0, '');
INSERT INTO public.nodegen_runs VALUES (1, 'ledger_effect-000000000000', 'delivery-0', 'done', 1796581529.933887, 1796581529.9394248, 0, 0, '');
INSERT INTO public.nodegen_runs VALUES (2, 'ledger_effect-000000000001', 'delivery-1', 'pending', 1796581529.9362473, NULL, 1, 1796581531.947143, 'retrying: GitHub answered 502');



INSERT INTO public.nodegen_thread_requests VALUES (1, 'octo-org/hello', 3, 'ledger_effect-000000000000');
INSERT INTO public.nodegen_thread_requests VALUES (2, 'octo-org/hello', 3, 'ledger_effect-000000000001');



SELECT pg_catalog.setval('public.nodegen_outbox_seq_seq', 3, true);



SELECT pg_catalog.setval('public.nodegen_runs_seq_seq', 3, true);



SELECT pg_catalog.setval('public.nodegen_thread_requests_seq_seq', 2, true);



ALTER TABLE ONLY public.nodegen_artifacts
    ADD CONSTRAINT nodegen_artifacts_pkey PRIMARY KEY (workflow_id);



ALTER TABLE ONLY public.nodegen_delivered_nodes
    ADD CONSTRAINT nodegen_delivered_nodes_pkey PRIMARY KEY (key);



ALTER TABLE ONLY public.nodegen_deliveries
    ADD CONSTRAINT nodegen_deliveries_pkey PRIMARY KEY (delivery_id);



ALTER TABLE ONLY public.nodegen_outbox_cursors
    ADD CONSTRAINT nodegen_outbox_cursors_pkey PRIMARY KEY (run_id);



ALTER TABLE ONLY public.nodegen_outbox
    ADD CONSTRAINT nodegen_outbox_envelope_id_key UNIQUE (envelope_id);



ALTER TABLE ONLY public.nodegen_outbox
    ADD CONSTRAINT nodegen_outbox_pkey PRIMARY KEY (seq);



ALTER TABLE ONLY public.nodegen_requests
    ADD CONSTRAINT nodegen_requests_pkey PRIMARY KEY (request_id);



ALTER TABLE ONLY public.nodegen_runs
    ADD CONSTRAINT nodegen_runs_pkey PRIMARY KEY (seq);



ALTER TABLE ONLY public.nodegen_runs
    ADD CONSTRAINT nodegen_runs_request_id_key UNIQUE (request_id);



ALTER TABLE ONLY public.nodegen_thread_requests
    ADD CONSTRAINT nodegen_thread_requests_pkey PRIMARY KEY (seq);




