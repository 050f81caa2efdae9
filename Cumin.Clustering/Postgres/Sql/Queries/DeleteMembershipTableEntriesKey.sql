-- The membership rows go with the version row (ON DELETE CASCADE).
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
