using Cumin.Orleans.Sqs;

namespace Orleans.Hosting;

/// <summary>Adds SQS persistent stream providers to silos and clients.</summary>
public static class SqsStreamBuilderExtensions
{
    /// <summary>
    /// Adds an SQS persistent stream provider named <paramref name="name"/> to the silo, configured through
    /// <paramref name="configure"/> (queues, message mappings, cache, pulling agent).
    /// </summary>
    public static ISiloBuilder AddSqsStreams(this ISiloBuilder builder, string name, Action<SiloSqsStreamConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(new SiloSqsStreamConfigurator(name, configureServices => configureServices(builder.Services)));
        return builder;
    }

    /// <summary>Adds an SQS persistent stream provider named <paramref name="name"/> to the silo with these options.</summary>
    public static ISiloBuilder AddSqsStreams(this ISiloBuilder builder, string name, Action<SqsStreamOptions> configureOptions) =>
        builder.AddSqsStreams(name, (SiloSqsStreamConfigurator configurator) => configurator.ConfigureSqs(configureOptions));

    /// <summary>
    /// Adds an SQS persistent stream provider named <paramref name="name"/> to the client, so it can produce events;
    /// its queues must be the silos' queues, in the same order.
    /// </summary>
    public static IClientBuilder AddSqsStreams(this IClientBuilder builder, string name, Action<ClusterClientSqsStreamConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(new ClusterClientSqsStreamConfigurator(name, builder));
        return builder;
    }

    /// <summary>Adds an SQS persistent stream provider named <paramref name="name"/> to the client with these options.</summary>
    public static IClientBuilder AddSqsStreams(this IClientBuilder builder, string name, Action<SqsStreamOptions> configureOptions) =>
        builder.AddSqsStreams(name, (ClusterClientSqsStreamConfigurator configurator) => configurator.ConfigureSqs(configureOptions));
}
