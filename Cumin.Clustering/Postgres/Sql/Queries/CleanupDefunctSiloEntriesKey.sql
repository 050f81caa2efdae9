-- Orleans calls this every ClusterMembershipOptions.DefunctSiloCleanupPeriod with now - DefunctSiloExpiration:
-- rows of silos that are not active and have not sent a heartbeat since then go, so dead entries do not pile up.
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
