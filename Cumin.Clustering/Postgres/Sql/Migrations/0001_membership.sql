-- Orleans cluster membership on PostgreSQL, version 1.
-- Applied by PostgresClusteringSchema under an advisory lock, once per database; the version is recorded in
-- cumin_schema_versions. Orleans's ADO.NET provider reads its queries from OrleansQuery (a fixed name: the provider
-- runs `SELECT QueryKey, QueryText FROM OrleansQuery`); the named queries themselves live in Sql/Queries/ and are
-- upserted on every start, so they can change without a new migration as long as the tables stay.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per cluster (Orleans calls it the deployment id): the membership table's version, which every membership
-- change bumps, so that two silos changing membership at once cannot both succeed on the same version.
CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port and generation: a restarted silo is a new row).
-- status is Orleans's SiloStatus: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
CREATE TABLE IF NOT EXISTS orleans_membership
(
    deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NULL,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Inserts a silo's row if the table is still at the version the silo read. Returns 1 on success, 0 when the version
-- moved on or the row exists; either way nothing is left half done (the block's changes roll back together).
CREATE OR REPLACE FUNCTION orleans_insert_membership(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_silo_name text, p_host_name text,
    p_status integer, p_proxy_port integer, p_start_time timestamptz, p_i_am_alive_time timestamptz, p_version integer)
    RETURNS integer
    LANGUAGE plpgsql AS
$$
BEGIN
    -- The version row is updated (and so locked) first: a writer that read an older version changes nothing.
    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deployment_id = p_deployment_id AND version = p_version;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    INSERT INTO orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive_time);
    RETURN 1;
EXCEPTION
    WHEN unique_violation THEN
        RETURN 0;
END
$$;

-- Updates a silo's row if the table is still at the version the caller read. Returns 1 on success, else 0.
CREATE OR REPLACE FUNCTION orleans_update_membership(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_status integer,
    p_suspect_times text, p_i_am_alive_time timestamptz, p_version integer)
    RETURNS integer
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deployment_id = p_deployment_id AND version = p_version;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership
    SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
    WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        -- Undo the version bump: an update of a row that does not exist is a failed update.
        RAISE EXCEPTION USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 1;
EXCEPTION
    WHEN no_data_found THEN
        RETURN 0;
END
$$;
