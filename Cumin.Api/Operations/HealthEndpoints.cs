using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Cumin.Api.Operations;

/// <summary>
/// /health/live: the process runs. /health/ready: the cluster, DynamoDB and PostgreSQL answer (503 otherwise),
/// so a load balancer sends traffic only to instances that can serve it.
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IHealthChecksBuilder AddCuminHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: [Ready], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<DynamoDBHealthCheck>("dynamodb", tags: [Ready], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<PostgresHealthCheck>("postgres", tags: [Ready], timeout: TimeSpan.FromSeconds(3));

    /// <summary>Route handlers rather than the health-check middleware, so the OpenAPI document describes them too.</summary>
    public static IEndpointRouteBuilder MapCuminHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Operations");
        health.MapGet("/live", Live).Produces<string>(StatusCodes.Status200OK, "text/plain");
        health.MapGet("/ready", ReadyAsync)
            .Produces<HealthReportBody>(StatusCodes.Status200OK)
            .Produces<HealthReportBody>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static ContentHttpResult Live(HttpContext context)
    {
        NotCached(context);
        return TypedResults.Text(nameof(HealthStatus.Healthy));
    }

    private static async Task<JsonHttpResult<HealthReportBody>> ReadyAsync(HttpContext context, HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(Ready), cancellationToken);
        var body = new HealthReportBody(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckBody(e.Value.Status.ToString(), e.Value.Description), StringComparer.Ordinal));
        NotCached(context);
        // As the health-check middleware answers: Degraded still serves traffic, Unhealthy does not.
        return TypedResults.Json(body, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private static void NotCached(HttpContext context) => context.Response.Headers.CacheControl = "no-store, no-cache";

    /// <summary>What /health/ready answers: the overall status and each check's.</summary>
    public sealed record HealthReportBody(string Status, IReadOnlyDictionary<string, HealthCheckBody> Checks);

    public sealed record HealthCheckBody(string Status, string? Description);

    private sealed class ClusterHealthCheck(IClusterClient client) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var call = client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken);
                var hosts = await call.WaitAsync(cancellationToken);
                return hosts.Count > 0
                    ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)")
                    : HealthCheckResult.Unhealthy("no active silo");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("the cluster does not answer", e);
            }
        }
    }

    private sealed class DynamoDBHealthCheck(IAmazonDynamoDB dynamoDb) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await dynamoDb.ListTablesAsync(new ListTablesRequest { Limit = 1 }, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("DynamoDB does not answer", e);
            }
        }
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer", e);
            }
        }
    }
}
