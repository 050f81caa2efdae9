using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Tests.LocalRunner;

/// <summary>The runner host as Program.cs builds it, with a test's database, table prefix and log recorder.</summary>
public static class RunnerHost
{
    public static IHost Build(
        string connectionString,
        string prefix,
        RecordingLoggerProvider logs,
        Action<EventSourceRunnerBuilder>? registerMore = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Cumin:Tables:Prefix"] = prefix,
            ["Cumin:Runner:PollInterval"] = "00:00:00.100",
            ["Cumin:Runner:DescribeInterval"] = "00:00:00.500",
            ["Cumin:Runner:TableWaitInterval"] = "00:00:00.200",
            ["Cumin:Runner:RetryDelay"] = "00:00:00.050",
            ["Cumin:Runner:MaxRetryDelay"] = "00:00:00.500",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddLambdasDatabase(builder.Configuration);
        builder.Services.AddAggregator(builder.Configuration);
        var runner = builder.Services.AddEventSourceRunner(builder.Configuration).AddAggregatorEventSources();
        registerMore?.Invoke(runner);
        return builder.Build();
    }
}
