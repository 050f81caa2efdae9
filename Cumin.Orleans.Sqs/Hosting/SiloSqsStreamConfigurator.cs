using System.Text.Json;
using Cumin.Orleans.Sqs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>Silo-side configuration of an SQS stream provider: queues, cache, pulling agent and message mapping.</summary>
public sealed class SiloSqsStreamConfigurator : SiloPersistentStreamConfigurator
{
    /// <summary>Registers the provider named <paramref name="name"/> and its option validators.</summary>
    public SiloSqsStreamConfigurator(string name, Action<Action<IServiceCollection>> configureServicesDelegate)
        : base(name, configureServicesDelegate, SqsQueueAdapterFactory.Create)
    {
        ConfigureDelegate(services => services
            .ConfigureNamedOptionForLogging<SqsStreamOptions>(name)
            .AddTransient<IConfigurationValidator>(sp => new SqsStreamOptionsValidator(sp.GetOptionsByName<SqsStreamOptions>(name), name))
            .ConfigureNamedOptionForLogging<SimpleQueueCacheOptions>(name)
            .AddTransient<IConfigurationValidator>(sp => SimpleQueueCacheOptionsValidator.Create(sp, name)));
    }

    /// <summary>Configures the queues and SQS behaviour (<see cref="SqsStreamOptions"/>), e.g. bind them from configuration.</summary>
    public SiloSqsStreamConfigurator ConfigureSqs(Action<OptionsBuilder<SqsStreamOptions>> configureOptions)
    {
        this.Configure(configureOptions);
        return this;
    }

    /// <summary>Configures the queues and SQS behaviour (<see cref="SqsStreamOptions"/>).</summary>
    public SiloSqsStreamConfigurator ConfigureSqs(Action<SqsStreamOptions> configureOptions) =>
        ConfigureSqs(builder => builder.Configure(configureOptions));

    /// <summary>
    /// Size of each partition's cache. Delivered messages are deleted when the cache purges them, which it does per
    /// tenth of its size once no consumer still reads there; a smaller cache deletes in finer steps.
    /// </summary>
    public SiloSqsStreamConfigurator ConfigureCache(int cacheSize = SimpleQueueCacheOptions.DEFAULT_CACHE_SIZE)
    {
        this.Configure<SimpleQueueCacheOptions>(builder => builder.Configure(options => options.CacheSize = cacheSize));
        return this;
    }

    /// <summary>Adds a mapper for messages not produced by Orleans; mappers are asked in the order they were added.</summary>
    public SiloSqsStreamConfigurator AddMessageMapper(Func<IServiceProvider, ISqsMessageMapper> mapperFactory)
    {
        ArgumentNullException.ThrowIfNull(mapperFactory);
        ConfigureDelegate(services => services.AddOptions<SqsMessageMappingOptions>(Name).Configure(options => options.Mappers.Add(mapperFactory)));
        return this;
    }

    /// <summary>Adds a mapper for messages not produced by Orleans; mappers are asked in the order they were added.</summary>
    public SiloSqsStreamConfigurator AddMessageMapper(ISqsMessageMapper mapper)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        return AddMessageMapper(_ => mapper);
    }

    /// <summary>
    /// Reads plain JSON bodies as <typeparamref name="TEvent"/> for the stream <c>(streamNamespace, body[keyProperty])</c>;
    /// see <see cref="JsonSqsMessageMapper{TEvent}"/>.
    /// </summary>
    public SiloSqsStreamConfigurator AddJsonMessageMapping<TEvent>(
        string streamNamespace,
        string keyProperty,
        JsonSerializerOptions? serializerOptions = null,
        Func<JsonElement, bool>? accepts = null) =>
        AddMessageMapper(new JsonSqsMessageMapper<TEvent>(streamNamespace, keyProperty, serializerOptions, accepts));
}
