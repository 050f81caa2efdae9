using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
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

    public static IEndpointRouteBuilder MapCuminHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteReport,
        });
        return app;
    }

    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }

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
