using Cumin.Orleans.Sqs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>Client-side configuration of an SQS stream provider: clients only produce, so only the queues matter.</summary>
public sealed class ClusterClientSqsStreamConfigurator : ClusterClientPersistentStreamConfigurator
{
    /// <summary>Registers the provider named <paramref name="name"/> on the client and its option validator.</summary>
    public ClusterClientSqsStreamConfigurator(string name, IClientBuilder builder)
        : base(name, builder, SqsQueueAdapterFactory.Create)
    {
        ConfigureDelegate(services => services
            .ConfigureNamedOptionForLogging<SqsStreamOptions>(name)
            .AddTransient<IConfigurationValidator>(sp => new SqsStreamOptionsValidator(sp.GetOptionsByName<SqsStreamOptions>(name), name)));
    }

    /// <summary>Configures the queues (<see cref="SqsStreamOptions"/>); they must be the silos' queues, in the same order.</summary>
    public ClusterClientSqsStreamConfigurator ConfigureSqs(Action<OptionsBuilder<SqsStreamOptions>> configureOptions)
    {
        this.Configure(configureOptions);
        return this;
    }

    /// <summary>Configures the queues (<see cref="SqsStreamOptions"/>); they must be the silos' queues, in the same order.</summary>
    public ClusterClientSqsStreamConfigurator ConfigureSqs(Action<SqsStreamOptions> configureOptions) =>
        ConfigureSqs(builder => builder.Configure(configureOptions));
}
