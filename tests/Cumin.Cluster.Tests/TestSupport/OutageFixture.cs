using System.Globalization;
using Cumin.Testing;
using Npgsql;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>
/// A silo, the Lambdas' runner and an API, each its own process as in production (so the API loads none of the silo's
/// assemblies and every exception crosses a real Orleans connection), reaching DynamoDB and PostgreSQL through proxies
/// a test can cut. Localhost clustering: the membership does not live in the PostgreSQL being cut.
/// </summary>
public sealed class OutageFixture : IAsyncLifetime
{
    public TcpProxy DynamoDB { get; } = new(new Uri(LocalStack.DynamoDbEndpoint));

    public TcpProxy Postgres { get; private set; } = null!;

    public HostProcess Silo { get; private set; } = null!;

    public HostProcess Runner { get; private set; } = null!;

    public HostProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var database = new NpgsqlConnectionStringBuilder(await LocalStack.CreateDatabaseAsync("outage"));
        Postgres = new TcpProxy(new Uri($"tcp://{database.Host}:{database.Port}"));
        DynamoDB.Start();
        Postgres.Start();
        database.Host = "127.0.0.1";
        database.Port = Postgres.Port;

        var prefix = LocalStack.UniquePrefix("outage");
        var gateway = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = DynamoDB.Address.ToString(),
            ["Cumin__DynamoDB__ServiceUrl"] = DynamoDB.Address.ToString(),
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["Cumin__Orleans__ClusterId"] = prefix + "cluster",
            ["Cumin__Orleans__ServiceId"] = prefix + "cluster",
            ["Cumin__Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cumin__Orleans__GatewayPort"] = gateway,
            ["Cumin__Orleans__Dashboard"] = "false",
            ["Cumin__Tables__Prefix"] = prefix,
            ["Cumin__Notifications__QueueName"] = prefix + "notifications",
            ["Cumin__Notifications__Sqs__WaitTime"] = "00:00:02",
            ["Cumin__Exports__Bucket"] = prefix + "exports",
            ["Cumin__Auth__SigningKey"] = ClusterFixture.SigningKey,
            ["Cumin__RateLimits__AuthPerClientPerMinute"] = "100000",
            ["Cumin__Runner__PollInterval"] = "00:00:00.100",
            ["Cumin__Runner__DescribeInterval"] = "00:00:00.500",
            // A record would be skipped after one retry, were the aggregator's mappings not retried until counted: the
            // counts after a PostgreSQL outage show they are.
            ["Cumin__Runner__MaximumRetryAttempts"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        Silo = HostProcess.Start("outage-silo", "Cumin.Silo", FreePort.Next(), environment);
        await Silo.WaitUntilHealthyAsync("/health/live", TimeSpan.FromSeconds(90));
        Runner = HostProcess.Start("outage-runner", "Cumin.Lambdas.LocalRunner", FreePort.Next(), environment);
        Api = HostProcess.Start("outage-api", "Cumin.Api", FreePort.Next(), environment);
        await Api.WaitUntilHealthyAsync("/health/ready", TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(new[] { Api, Runner, Silo }.Where(p => p is not null).Select(p => p.DisposeAsync().AsTask()));
        await DynamoDB.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
