using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Cumin.ServiceDefaults;

/// <summary>
/// What the API and the silo both set up, in one place (as .NET Aspire's ServiceDefaults): their telemetry, the clock,
/// how long a SIGTERM waits for work in flight, and the DynamoDB client.
/// </summary>
public static class HostDefaultsExtensions
{
    /// <summary>How long a stopping process lets work in flight finish (configuration, a TimeSpan).</summary>
    public const string ShutdownTimeoutKey = "Cumin:ShutdownTimeout";

    /// <summary>A DynamoDB endpoint that overrides the one the SDK finds (<c>AWS_ENDPOINT_URL_DYNAMODB</c>, then the region).</summary>
    public const string DynamoDBServiceUrlKey = "Cumin:DynamoDB:ServiceUrl";

    /// <summary>
    /// Telemetry as <paramref name="serviceName"/> (<see cref="TelemetryHostingExtensions.AddCuminTelemetry"/>),
    /// <see cref="TimeProvider.System"/> unless a clock is registered, the host's shutdown timeout from
    /// <see cref="ShutdownTimeoutKey"/> (default <paramref name="defaultShutdownTimeout"/>), and <see cref="AddCuminDynamoDB"/>.
    /// </summary>
    public static TBuilder AddCuminHostDefaults<TBuilder>(this TBuilder builder, string serviceName, TimeSpan defaultShutdownTimeout)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCuminTelemetry(serviceName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        var configuration = builder.Configuration;
        builder.Services.AddOptions<HostOptions>().Configure(host =>
            host.ShutdownTimeout = configuration.GetValue(ShutdownTimeoutKey, defaultShutdownTimeout));
        builder.Services.AddCuminDynamoDB(configuration);
        return builder;
    }

    /// <summary>The one DynamoDB client of a process, unless one is registered: the SDK's, or at <see cref="DynamoDBServiceUrlKey"/>.</summary>
    public static IServiceCollection AddCuminDynamoDB(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<IAmazonDynamoDB>(_ => configuration[DynamoDBServiceUrlKey] is { Length: > 0 } url
            ? new AmazonDynamoDBClient(new AmazonDynamoDBConfig { ServiceURL = url })
            : new AmazonDynamoDBClient());
        return services;
    }
}
